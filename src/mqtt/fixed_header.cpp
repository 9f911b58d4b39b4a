// Framing: the fixed header (spec 2.1) and read_fixed_header.
#include "mqtt/decode_internal.hpp"

namespace ts::mqtt {

namespace detail {

FrameResult parse_fixed_header(std::span<const std::uint8_t> data) {
    FrameResult res;
    if (data.empty()) return res;  // NeedMore
    res.header.first_byte = data[0];
    if ((data[0] >> 4) == 0) {
        res.status = FrameStatus::Error;
        res.error = {ReasonCode::MalformedPacket, "reserved packet type 0"};
        return res;
    }
    std::uint32_t length = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        if (1 + i >= data.size()) return res;  // NeedMore
        const std::uint8_t b = data[1 + i];
        length |= std::uint32_t{b & 0x7Fu} << (7 * i);
        if ((b & 0x80) == 0) {
            res.header.remaining_length = length;
            res.header.header_length = static_cast<std::uint8_t>(2 + i);
            res.status = FrameStatus::Complete;
            return res;
        }
    }
    res.status = FrameStatus::Error;
    res.error = {ReasonCode::MalformedPacket, "remaining length longer than 4 bytes"};
    return res;
}

}  // namespace detail

FrameResult read_fixed_header(std::span<const std::uint8_t> data, std::uint32_t max_packet_size) {
    FrameResult res = detail::parse_fixed_header(data);
    if (res.status != FrameStatus::Complete) return res;
    const std::size_t total = res.header.total_length();
    if (max_packet_size != 0 && total > max_packet_size) {
        res.status = FrameStatus::Error;
        res.error = {ReasonCode::PacketTooLarge, "packet larger than maximum packet size"};
        return res;
    }
    if (data.size() < total) res.status = FrameStatus::NeedMore;
    return res;
}

}  // namespace ts::mqtt
