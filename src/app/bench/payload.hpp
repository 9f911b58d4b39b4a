#pragma once
// The bench payload: send time, publisher and sequence number at the front,
// zero padding up to --payload-size. Latency is measured end to end from
// the send timestamp, on the same machine's steady clock.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>

namespace ts::app::bench {

struct Stamp {
    std::uint64_t sent_ns = 0;  // steady_clock, nanoseconds since its epoch
    std::uint32_t publisher = 0;
    std::uint64_t seq = 0;
};

inline constexpr std::size_t kStampSize = 8 + 4 + 8;

// Host byte order: the reader is the same process on the same machine.
inline void write_stamp(std::uint8_t* at, const Stamp& s) {
    std::memcpy(at, &s.sent_ns, 8);
    std::memcpy(at + 8, &s.publisher, 4);
    std::memcpy(at + 12, &s.seq, 8);
}

inline std::optional<Stamp> read_stamp(std::span<const std::uint8_t> payload) {
    if (payload.size() < kStampSize) return std::nullopt;
    Stamp s;
    std::memcpy(&s.sent_ns, payload.data(), 8);
    std::memcpy(&s.publisher, payload.data() + 8, 4);
    std::memcpy(&s.seq, payload.data() + 12, 8);
    return s;
}

}  // namespace ts::app::bench
