// libFuzzer target for the rules SQL (src/rules/sql). The input is SQL text,
// then optionally a NUL byte and a payload. The text is compiled as a
// statement; an accepted one is evaluated against the payload parsed as JSON
// and as raw bytes. The text is also compiled as a template and rendered
// against the row. Nothing may crash or throw; errors carry a line and a
// column of at least 1; rows are objects that serialise as strict JSON.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "rules/sql/query.hpp"

namespace {

using nlohmann::json;
using ts::rules::MessageView;

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "rules_sql_fuzz: %s\n", what);
    std::abort();
}

void check(bool ok, const char* what) {
    if (!ok) fail(what);
}

void check_error(const ts::rules::SqlError& e) {
    check(e.line >= 1 && e.column >= 1, "error location below 1");
    check(!e.message.empty(), "empty error message");
    check(e.to_string().starts_with("line "), "error text");
}

// Strict serialisation: throws on invalid UTF-8, which a row must not hold.
void check_serialisable(const json& row) {
    try {
        (void)row.dump();
    } catch (const json::exception&) {
        fail("row does not serialise (invalid UTF-8?)");
    }
}

MessageView message(std::string_view payload, const json* parsed) {
    MessageView m;
    m.topic = "/pk/dev/thing/event/property/post";
    m.payload = payload;
    m.json = parsed;
    m.product_key = "pk";
    m.device_name = "dev";
    m.client_ip = "192.0.2.1";
    m.message_id = "1";
    m.timestamp_ms = 1700000000000;
    return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t nul = input.find('\0');
    const std::string_view sql = input.substr(0, nul);
    const std::string_view payload = nul == std::string_view::npos ? "" : input.substr(nul + 1);
    const json parsed = json::parse(payload, nullptr, false);

    json row = json::object();
    auto query = ts::rules::Query::compile(sql);
    if (!query) {
        check_error(query.error());
    } else {
        check(!query->source().empty(), "empty FROM filter");
        for (const json* j :
             {parsed.is_discarded() ? nullptr : &parsed, static_cast<const json*>(nullptr)}) {
            auto r = query->evaluate(message(payload, j));
            if (!r) {
                check(!r.error().empty(), "empty runtime error");
                continue;
            }
            if (!*r) continue;
            check((*r)->is_object(), "row is not an object");
            check_serialisable(**r);
            row = std::move(**r);
        }
    }

    auto tmpl = ts::rules::Template::compile(sql);
    if (!tmpl) {
        check_error(tmpl.error());
        return 0;
    }
    const json payload_row = parsed.is_discarded() ? json() : parsed;
    for (const json* r : {static_cast<const json*>(&row), &payload_row}) {
        auto text = tmpl->render(*r, message(payload, nullptr));
        if (text) check_serialisable(json(*text));
    }
    return 0;
}
