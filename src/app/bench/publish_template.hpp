#pragma once
// A PUBLISH encoded once by the codec; each message is a copy with its
// packet id and payload patched in, so the hot path neither allocates nor
// re-encodes. Used by the p2p backend and echo device.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "mqtt/packets.hpp"

namespace ts::app::bench {

class PublishTemplate {
public:
    PublishTemplate(const std::string& topic, mqtt::QoS qos, std::size_t payload_size);

    // Appends one message (its payload zeroed) to `out`; returns the offset
    // of the payload in `out`, to be filled in before `out` grows again.
    std::size_t append(std::vector<std::uint8_t>& out, std::uint16_t packet_id) const;
    std::size_t payload_size() const { return payload_size_; }

private:
    std::vector<std::uint8_t> bytes_;
    std::size_t payload_size_;
    std::size_t payload_at_;
    bool qos1_;
};

// Packet ids run 1..65535; 0 is not a valid id.
inline std::uint16_t next_packet_id(std::uint16_t& last) {
    if (++last == 0) last = 1;
    return last;
}

// PUBACK has a fixed shape in 3.1.1: 0x40 0x02 id id.
inline void append_puback(std::vector<std::uint8_t>& out, std::uint16_t packet_id) {
    out.push_back(0x40);
    out.push_back(0x02);
    out.push_back(static_cast<std::uint8_t>(packet_id >> 8));
    out.push_back(static_cast<std::uint8_t>(packet_id & 0xFF));
}

}  // namespace ts::app::bench
