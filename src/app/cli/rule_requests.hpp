#pragma once
// What the `rule` subcommands send (rules_routes.cpp on the server): rule
// bodies built from flags or read from a file, the rule's custom methods
// (:enable, :disable) and the dry run (/rules:test).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/cli/requests.hpp"
#include "core/expected.hpp"

namespace ts::app::cli {

// The members of a rule given as flags; only those set are sent (PATCH
// changes exactly them; create leaves the rest to the server's defaults).
struct RuleFlags {
    std::optional<std::string> name;
    std::optional<std::string> description;
    std::optional<std::string> sql;
    std::optional<std::vector<nlohmann::json>> actions;  // --action, repeated; replaces the list
    std::optional<nlohmann::json> error_action;          // an object, or null to remove it
    std::optional<bool> enabled;
};

// True when no member is set (an update that would change nothing).
bool empty(const RuleFlags& f);
nlohmann::json rule_body(const RuleFlags& f);

// The text of --action (or --error-action, with `null_ok`) as an action
// object. The server judges what the action means; this only refuses what
// cannot be one: "not valid JSON: ...", "must be a JSON object ({...})",
// "needs a \"type\" (republish, webhook, database or nats)".
Expected<nlohmann::json, std::string> parse_action_option(std::string_view text,
                                                          bool null_ok = false);

// A rule file (`rule create --file`): a JSON object, sent as it is.
Expected<nlohmann::json, std::string> parse_rule_file(std::string_view text);

ApiRequest rule_create(nlohmann::json body);
ApiRequest rule_list(const Paging& paging);
ApiRequest rule_get(const std::string& id);
ApiRequest rule_update(const std::string& id, nlohmann::json patch);
ApiRequest rule_delete(const std::string& id);
// `verb`: "enable" or "disable".
ApiRequest rule_action(const std::string& id, std::string_view verb);

struct RuleTest {
    std::string sql;
    nlohmann::json payload;  // a JSON value, or a string for a raw payload
    std::optional<std::string> topic;
    std::optional<std::string> device_name, product_key, client_ip;
    std::vector<nlohmann::json> actions;
};
ApiRequest rule_test(const RuleTest& t);

}  // namespace ts::app::cli
