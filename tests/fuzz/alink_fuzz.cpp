// libFuzzer target for what devices send to the thing layer: the input is
// read as an Alink payload and as a topic. Parsing must refuse or accept
// without crashing, and whatever was accepted must produce a reply that is
// JSON again, with the id echoed as a string and all six keys present. What
// the flat parser accepts must read exactly as the DOM parser reads it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "thing/alink.hpp"
#include "thing/alink_flat.hpp"
#include "thing/uplink_topic.hpp"

namespace {
void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "alink_fuzz: %s\n", what);
        std::abort();
    }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    auto t = ts::thing::classify_uplink(in);
    if (t.kind != ts::thing::Uplink::None) {
        // Views must point into the input.
        check(t.product_key.data() >= in.data() &&
                  t.product_key.data() + t.product_key.size() <= in.data() + in.size(),
              "product key outside the topic");
        check(!t.product_key.empty() && !t.device_name.empty(), "empty pk or dn accepted");
    }
    auto r = ts::thing::parse_alink_request(in);
    if (auto flat = ts::thing::parse_flat_alink_request(in)) {
        check(r.has_value(), "the flat parser accepted what the DOM parser refuses");
        check(flat->id == r->id && flat->id.type() == r->id.type() && flat->params == r->params &&
                  flat->params.dump() == r->params.dump() && flat->method == r->method &&
                  flat->version == r->version && flat->ack == r->ack,
              "the flat parser read the request differently");
    }
    if (!r) {
        check(!r.error().empty(), "refusal without a reason");
        return 0;
    }
    auto reply = nlohmann::json::parse(
        ts::thing::alink_reply(r->id, 200, r->params.is_object() ? r->params : nlohmann::json(),
                               "success", r->method),
        nullptr, false);
    check(!reply.is_discarded(), "reply is not JSON");
    check(reply["id"].is_string() && reply["code"] == 200 && reply.contains("data") &&
              reply.contains("message"),
          "reply lacks a key");
    return 0;
}
