#pragma once
// Which topics a device may publish and subscribe to (PROTOCOL.md 1.9, 3.1,
// 3.14). Constant work per check: the topic's shape decides which rule
// applies; only custom topics consult the product's topic classes.
#include <string_view>
#include <vector>

#include "registry/model.hpp"

namespace ts::registry {

enum class Action { Publish, Subscribe };

// `topic` is a topic name (publish) or a filter (subscribe; a filter is
// allowed when everything it can match is allowed, e.g. "/sys/pk/dn/#").
bool device_may(Action action, std::string_view pk, std::string_view dn, std::string_view topic,
                const std::vector<TopicClass>& classes);

// True for topics the platform delivers to the device's connection without a
// SUBSCRIBE (system downlinks: /sys/{pk}/{dn}/..., /ext/.../{pk}/{dn}/...,
// /ota/device/upgrade/{pk}/{dn}, /shadow/get/{pk}/{dn}).
bool is_system_downlink(std::string_view pk, std::string_view dn, std::string_view topic);

}  // namespace ts::registry
