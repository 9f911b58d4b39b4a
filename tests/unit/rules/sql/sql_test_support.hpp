#pragma once
// Helpers for the SQL tests: a message with a JSON payload, and the value of
// one expression evaluated against it.
#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rules/sql/query.hpp"

namespace ts::rules::sql_test {

using nlohmann::json;

struct Message {
    std::string topic = "/pk1/dev1/thing/event/property/post";
    std::string payload;
    json parsed;
    bool is_json = false;
    MessageView view() const {
        MessageView m;
        m.topic = topic;
        m.payload = payload;
        m.json = is_json ? &parsed : nullptr;
        m.product_key = "pk1";
        m.device_name = "dev1";
        m.client_ip = "10.0.0.7";
        m.message_id = "42";
        m.timestamp_ms = 1700000000123;  // 2023-11-14 22:13:20.123 UTC
        return m;
    }
};

inline Message message(std::string payload) {
    Message m;
    m.payload = std::move(payload);
    m.parsed = json::parse(m.payload, nullptr, false);
    m.is_json = !m.parsed.is_discarded();
    if (!m.is_json) m.parsed = nullptr;
    return m;
}

// The row of `sql` for `payload`; "no row" when WHERE fails; "error: ..."
// for compile or runtime errors.
inline std::string run(std::string_view sql, std::string payload = "{}") {
    auto q = Query::compile(sql);
    if (!q) return "error: " + q.error().to_string();
    const Message m = message(std::move(payload));
    auto r = q->evaluate(m.view());
    if (!r) return "error: " + r.error();
    if (!*r) return "no row";
    return (*r)->dump();
}

// The value of one expression: `SELECT <expr> AS r FROM "t"`, dumped.
inline std::string eval(std::string_view expr, std::string payload = "{}") {
    const std::string sql = "SELECT " + std::string(expr) + " AS r FROM \"t\"";
    auto q = Query::compile(sql);
    if (!q) return "error: " + q.error().to_string();
    const Message m = message(std::move(payload));
    auto r = q->evaluate(m.view());
    if (!r) return "error: " + r.error();
    return (**r)["r"].dump();
}

// The compile error of `sql`, or "ok".
inline std::string compile_error(std::string_view sql) {
    auto q = Query::compile(sql);
    return q ? "ok" : q.error().to_string();
}

struct ExprCase {
    const char* expr;
    const char* expected;  // the dumped JSON value, or "error: ..."
};

inline void check_all(std::initializer_list<ExprCase> cases, const std::string& payload = "{}") {
    for (const auto& c : cases) EXPECT_EQ(eval(c.expr, payload), c.expected) << c.expr;
}

}  // namespace ts::rules::sql_test
