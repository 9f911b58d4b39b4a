#pragma once
// Which topics belong to one device: every topic of Alibaba's catalogue
// names its device by two consecutive levels, productKey then deviceName
// (/{pk}/{dn}/user/..., /sys/{pk}/{dn}/thing/..., /shadow/update/{pk}/{dn},
// /ota/device/inform/{pk}/{dn}, /ext/ntp/{pk}/{dn}/request, ...).
#include <string_view>

namespace ts::registry {

bool topic_names_device(std::string_view topic, std::string_view product_key,
                        std::string_view device_name);

}  // namespace ts::registry
