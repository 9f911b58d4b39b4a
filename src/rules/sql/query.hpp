#pragma once
// A rule's SQL statement, compiled once:
//   SELECT <expr> [AS name], ... | * FROM "<topic filter>" [WHERE <cond>]
// evaluated per message into one output row (a JSON object) or nothing when
// WHERE does not hold. The language is documented in docs/rules-sql.md.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/expected.hpp"
#include "rules/sql/message_view.hpp"

namespace ts::rules {

// A located compile error: "line 1, column 27: expected FROM, found WHERE".
struct SqlError {
    int line = 1;
    int column = 1;
    std::string message;
    std::string to_string() const;
};

class Query {
public:
    static Expected<Query, SqlError> compile(std::string_view sql);

    Query(Query&&) noexcept;
    Query& operator=(Query&&) noexcept;
    ~Query();

    // The topic filter after FROM (an MQTT filter, wildcards allowed).
    const std::string& source() const;

    // nullopt when WHERE is false or NULL; otherwise the row. A runtime error
    // (e.g. a function given a value it cannot take) is an error string.
    Expected<std::optional<nlohmann::json>, std::string> evaluate(const MessageView& m) const;

private:
    struct Impl;
    explicit Query(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Text with ${expr} holes (an action's topic, subject or URL). Each expr is a
// SQL expression evaluated against the output row as payload (so ${deviceName}
// is the row's field and ${deviceName()} the function); "$${" is a literal "${".
class Template {
public:
    static Expected<Template, SqlError> compile(std::string_view text);

    Template(Template&&) noexcept;
    Template& operator=(Template&&) noexcept;
    ~Template();

    bool has_holes() const;
    // Values render as in SQL string conversion; NULL renders as "".
    Expected<std::string, std::string> render(const nlohmann::json& row,
                                              const MessageView& m) const;

    // As render, with each hole's text passed through `encode`, which also
    // sees the output so far (so it can tell which part of a URL the hole is
    // in) and may refuse the value.
    using HoleEncoder = std::function<Expected<std::string, std::string>(
        std::string_view value, std::string_view rendered_before)>;
    Expected<std::string, std::string> render(const nlohmann::json& row, const MessageView& m,
                                              const HoleEncoder& encode) const;

private:
    struct Impl;
    explicit Template(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace ts::rules
