#pragma once
// The bytes of the props scenario: a property post (Alink JSON) written
// straight into the connection's output buffer as an MQTT PUBLISH, and the
// two fields of a post_reply the bench needs (id, code), read without a JSON
// parser: at a hundred thousand replies a second a full parse would make the
// generator the thing being measured.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/bench/props_plan.hpp"

namespace ts::app::bench {

// Value number `seq` of `p`, as JSON text: always within min..max, varying
// from post to post so the store sees changing values.
std::string property_value(const NumericProperty& p, std::uint64_t seq);

// {"id":"<id>","version":"1.0","params":{...},"method":"thing.event.property.post"}
// into `out` (cleared first).
void property_post_json(std::string& out, std::uint64_t id,
                        std::span<const NumericProperty> properties);

// One PUBLISH (3.1.1) onto `out`: QoS 1 when packet_id != 0, else QoS 0.
void append_publish(std::vector<std::uint8_t>& out, std::string_view topic, std::uint16_t packet_id,
                    std::string_view payload);

struct PostReply {
    std::uint64_t id = 0;
    int code = 0;
};

// The reply's id (the decimal id the bench sent, echoed as a string) and
// code; nullopt when either is missing or not what the bench sent.
std::optional<PostReply> parse_post_reply(std::string_view payload);

}  // namespace ts::app::bench
