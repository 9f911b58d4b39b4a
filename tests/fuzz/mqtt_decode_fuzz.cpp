// libFuzzer target for the MQTT codec: frames the input with
// read_fixed_header (several packets may follow each other), decodes each
// packet as 3.1.1 and as 5.0, re-encodes every success and checks that the
// re-encoding decodes to the same value, that encoded_size matches and that
// encode_publish_header + payload equals encode.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>
#include <vector>

#include "mqtt/codec.hpp"

namespace {

using namespace ts::mqtt;

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "mqtt_decode_fuzz: %s\n", what);
    std::abort();
}

void check(bool ok, const char* what) {
    if (!ok) fail(what);
}

void round_trip(const Packet& p, ProtocolVersion v) {
    std::vector<std::uint8_t> bytes;
    encode(p, v, bytes);
    check(bytes.size() == encoded_size(p, v), "encoded_size differs from encode");
    if (bytes.empty()) fail("a decoded packet encodes to nothing");

    const FrameResult f = read_fixed_header(bytes, 0);
    check(f.status == FrameStatus::Complete, "re-encoding does not frame");
    check(f.header.total_length() == bytes.size(), "re-encoding frame length");

    auto again = decode(bytes, v);
    if (!again) {
        std::fprintf(stderr, "re-decode error: %s\n", again.error().message.c_str());
        fail("re-encoding does not decode");
    }
    check(*again == p, "re-decoded packet differs");

    if (const auto* pub = std::get_if<Publish>(&p)) {
        std::vector<std::uint8_t> header;
        encode_publish_header(*pub, v, header);
        check(header.size() + pub->payload.size() == bytes.size(), "publish header size");
        check(std::equal(header.begin(), header.end(), bytes.begin()), "publish header bytes");
        check(std::equal(pub->payload.span().begin(), pub->payload.span().end(),
                         bytes.begin() + static_cast<std::ptrdiff_t>(header.size())),
              "publish payload bytes");
    }
}

void one_packet(std::span<const std::uint8_t> packet) {
    for (ProtocolVersion v : {ProtocolVersion::v311, ProtocolVersion::v5}) {
        auto r = decode(packet, v);
        if (!r) {
            check(is_error(r.error().reason), "decode error with a non-error reason code");
            continue;
        }
        round_trip(*r, v);
    }
}

void validators(std::string_view s) {
    const bool utf8 = is_valid_utf8(s);
    if (is_valid_topic_name(s)) check(utf8 && !s.empty(), "topic name accepted invalid UTF-8");
    if (is_valid_topic_filter(s)) check(utf8 && !s.empty(), "topic filter accepted invalid UTF-8");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const std::uint8_t> in(data, size);
    validators({reinterpret_cast<const char*>(data), size});
    // Decode the whole input as one packet too (exercises length mismatches).
    (void)decode(in, ProtocolVersion::v5);
    while (!in.empty()) {
        const FrameResult f = read_fixed_header(in, 1u << 20);
        if (f.status != FrameStatus::Complete) break;
        const std::size_t n = f.header.total_length();
        one_packet(in.first(n));
        in = in.subspan(n);
    }
    return 0;
}
