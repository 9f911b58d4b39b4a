// libFuzzer target for the thing model (TSL). The input is read as a TSL
// document. A rejected one must come back as a short printable error; an
// accepted one must export to a document that reads back to the same export,
// and the values in its "samples" array (an unknown key, so tolerated), plus
// a few fixed ones, are checked against every property, event and service:
// a failure must carry a 63xx code and a message in the platform's style.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "thing/thing_model.hpp"

namespace {

using nlohmann::json;
using namespace ts::thing;

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "tsl_fuzz: %s\n", what);
    std::abort();
}

void check(bool ok, const char* what) {
    if (!ok) fail(what);
}

void check_printable(const std::string& s, std::size_t max, const char* what) {
    check(s.size() <= max, what);
    for (char c : s) check(c >= 0x20 && c < 0x7f, what);
}

void check_value_error(const std::optional<ValueError>& e) {
    if (!e) return;
    constexpr std::array kCodes{6300, 6304, 6306, 6307, 6308, 6309, 6310, 6311, 6312, 6324};
    bool known = false;
    for (int c : kCodes) known = known || c == e->code;
    check(known, "validation error with an unexpected code");
    check(e->message.starts_with("tsl parse: "), "validation message style");
}

std::vector<json> samples(std::string_view text) {
    std::vector<json> out = {0,
                             1,
                             -1,
                             2147483648LL,
                             1.5,
                             1e39,
                             "1",
                             "",
                             "1700000000000",
                             true,
                             nullptr,
                             json::array({1, "a"}),
                             json::object({{"x", 1}})};
    const json doc = json::parse(text, nullptr, false);
    if (!doc.is_object()) return out;
    auto it = doc.find("samples");
    if (it == doc.end() || !it->is_array()) return out;
    for (std::size_t i = 0; i < it->size() && i < 32; ++i) out.push_back((*it)[i]);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = parse_thing_model(text);
    if (!parsed) {
        check_printable(parsed.error().path, 1000, "error path not short printable ASCII");
        check_printable(parsed.error().message, 1000, "error message not short printable ASCII");
        check(!parsed.error().message.empty(), "empty error message");
        return 0;
    }
    const ThingModel& model = **parsed;

    const json exported = to_tsl_json(model, "pk");
    auto again = parse_thing_model(exported.dump());
    check(again.has_value(), "the export does not read back");
    check(to_tsl_json(**again, "pk") == exported, "the export does not read back the same");

    for (const json& value : samples(text)) {
        for (const auto& p : model.properties) {
            check(model.find_property(p.identifier) == &p, "property index");
            check_value_error(validate_value(p.data_type, value, p.identifier));
        }
        for (const auto& e : model.events) check_value_error(validate_params(e.output, value));
        for (const auto& s : model.services) {
            check_value_error(validate_params(s.input, value));
            check_value_error(validate_params(s.output, value));
        }
    }
    return 0;
}
