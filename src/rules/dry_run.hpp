#pragma once
// POST /rules:test: a rule's SQL (and optionally its actions) run against
// one made-up message, with nothing sent anywhere. It answers what the rule
// would do: whether the message's topic reaches the rule, the row it would
// produce, and where each action would send it.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/expected.hpp"
#include "rules/rule_error.hpp"

namespace ts::rules {

struct DryRunInput {
    std::string sql;
    // Defaults to the FROM filter when that has no wildcards.
    std::optional<std::string> topic;
    std::string payload;  // the raw bytes, as a device would publish them
    std::string device_name;
    std::string product_key;
    std::string client_ip;
    nlohmann::json actions = nlohmann::json::array();  // action objects
};

// The body {"sql", "topic"?, "payload", "deviceName"?, "productKey"?,
// "clientIp"?, "actions"?}. A string payload is the raw payload (parsed as
// JSON when it is JSON, as the broker does); any other JSON value stands for
// its own text.
Expected<DryRunInput, RuleError> read_dry_run(const nlohmann::json& body);

// {"matched", "rows": [row] | [], "actions": [{"type", "fires", and
// "topic" | "url" | "subject" | "table"}], "error"?}. Bad SQL or a bad
// action is an error value (400); an evaluation error is part of the
// answer ("error", no rows), as it would be at run time. `now_ms` is the
// message's timestamp (wall clock).
Expected<nlohmann::json, RuleError> dry_run(const DryRunInput& in, std::int64_t now_ms);

}  // namespace ts::rules
