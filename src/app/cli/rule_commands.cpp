// `thingstead rule create|list|get|update|enable|disable|delete|test`: the
// /rules resource and its dry run.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "app/cli/api_call.hpp"
#include "app/cli/common.hpp"
#include "app/cli/output.hpp"
#include "app/cli/rule_requests.hpp"
#include "app/cli/thing_requests.hpp"

namespace ts::app::cli {

namespace {

using nlohmann::json;

const std::vector<Column> kRuleColumns = {
    {"ID", "id"},         {"NAME", "name"},           {"ENABLED", "enabled"},
    {"SOURCE", "source"}, {"UPDATED", "updatedTime"},
};

const std::vector<std::string> kRuleFields = {
    "id",      "name",        "description", "enabled",     "sql",   "source",
    "actions", "errorAction", "createdTime", "updatedTime", "stats",
};

void print_rule(std::ostream& out, const json& r) {
    print_fields(out, r, kRuleFields);
}

void print_nothing(std::ostream&, const json&) {}

struct RuleOptions {
    CommonOptions common;
    std::string id;
    RuleFlags flags;
    std::string file;  // create --file: the rule as JSON, "-" for stdin
    bool disabled = false;
    bool no_actions = false;
    Paging paging;
    RuleTest test;
    std::optional<std::string> raw_payload;
    std::optional<std::vector<json>> test_actions;
};

void add_rule_id(CLI::App* cmd, std::string& id) {
    cmd->add_option("id", id, "Rule id (as `rule list` shows it)")->required();
}

// --action, repeatable: each one JSON action object, checked while the
// command line is parsed, so a typo is a usage error naming the option and
// nothing is sent.
CLI::Option* add_action_option(CLI::App* cmd, std::optional<std::vector<json>>& target,
                               const std::string& what) {
    return cmd
        ->add_option_function<std::vector<std::string>>(
            "--action",
            [&target](const std::vector<std::string>& texts) {
                std::vector<json> actions;
                for (std::size_t i = 0; i < texts.size(); ++i) {
                    auto a = parse_action_option(texts[i]);
                    if (!a)
                        throw CLI::ValidationError("--action",
                                                   "#" + std::to_string(i + 1) + ": " + a.error());
                    actions.push_back(std::move(*a));
                }
                target = std::move(actions);
            },
            what)
        ->allow_extra_args(false);
}

CLI::Option* add_error_action_option(CLI::App* cmd, std::optional<json>& target,
                                     const std::string& what) {
    return cmd->add_option_function<std::string>(
        "--error-action",
        [&target](const std::string& text) {
            auto a = parse_action_option(text, true);
            if (!a) throw CLI::ValidationError("--error-action", a.error());
            target = std::move(*a);
        },
        what);
}

// The whole file (or stdin for "-"); the error names the file.
Expected<std::string, std::string> read_text(const std::string& path) {
    std::ostringstream data;
    if (path == "-") {
        data << std::cin.rdbuf();
        return data.str();
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return unexpected("cannot read " + path + ": " + std::strerror(errno));
    data << in.rdbuf();
    return data.str();
}

int run_create(const RuleOptions& o) {
    json body = rule_body(o.flags);
    if (!o.file.empty()) {
        // Read and parsed before anything is sent; what the rule means is
        // the server's to judge.
        auto text = read_text(o.file);
        if (!text) {
            std::cerr << "thingstead: " << text.error() << "\n";
            return kExitFailure;
        }
        auto doc = parse_rule_file(*text);
        if (!doc) {
            std::cerr << "thingstead: " << (o.file == "-" ? "stdin" : o.file) << ": " << doc.error()
                      << "\n";
            return kExitFailure;
        }
        body = std::move(*doc);
    }
    if (o.disabled) body["enabled"] = false;
    return call_and_print(o.common, rule_create(std::move(body)), print_rule);
}

// The dry run's answer is a small document: JSON with or without --json.
int run_test(RuleOptions o) {
    if (o.raw_payload) o.test.payload = *o.raw_payload;
    auto reply = api_call(o.common, rule_test(o.test));
    if (!reply) return reply.error();
    print_json(std::cout, *reply);
    return kExitOk;
}

}  // namespace

void register_rule_commands(CLI::App& app, Dispatcher& dispatcher) {
    auto* rule = app.add_subcommand("rule", "Create, list, change, test and delete rules");
    rule->require_subcommand(1);
    auto leaf = [&](const char* name, const char* what) {
        auto opts = std::make_shared<RuleOptions>();
        auto* cmd = rule->add_subcommand(name, what);
        add_common_options(cmd, opts->common);
        return std::make_pair(cmd, opts);
    };
    const std::string action_help =
        "An action as a JSON object, e.g. '{\"type\":\"republish\",\"topic\":\"/out\"}' "
        "(repeat for several)";

    {
        const auto l = leaf("create", "Create a rule from flags or from a JSON file");
        auto* cmd = l.first;
        const auto& o = l.second;
        auto* file =
            cmd->add_option("--file,-f", o->file, "The rule as a JSON object ('-': stdin)");
        auto* name = cmd->add_option("--name", o->flags.name, "Rule name (1-128 characters)");
        auto* sql = cmd->add_option("--sql", o->flags.sql,
                                    "SELECT ... FROM \"<topic filter>\" [WHERE ...]");
        auto* desc = cmd->add_option("--description", o->flags.description, "Free text");
        auto* action = add_action_option(cmd, o->flags.actions, action_help);
        auto* error_action = add_error_action_option(
            cmd, o->flags.error_action, "Where rows go that an action could not deliver");
        cmd->add_flag("--disabled", o->disabled, "Store the rule without starting it");
        for (auto* opt : {name, sql, desc, action, error_action}) file->excludes(opt);
        cmd->callback([file, name, sql] {
            if (file->count() == 0 && (name->count() == 0 || sql->count() == 0))
                throw CLI::ValidationError("rule create", "give --name and --sql, or --file");
        });
        dispatcher.on(cmd, [o] { return run_create(*o); });
    }
    {
        const auto l = leaf("list", "List rules, one page at a time");
        auto* cmd = l.first;
        const auto& o = l.second;
        cmd->add_option("--page-size", o->paging.page_size, "Rules per page")
            ->check(CLI::PositiveNumber);
        cmd->add_option("--page-token", o->paging.page_token, "Token printed by the previous page");
        dispatcher.on(cmd, [o] {
            return call_and_print(
                o->common, rule_list(o->paging),
                [](std::ostream& out, const json& reply) { print_list(out, kRuleColumns, reply); });
        });
    }
    {
        const auto l = leaf("get", "Show one rule with its counters");
        const auto& o = l.second;
        add_rule_id(l.first, o->id);
        dispatcher.on(l.first,
                      [o] { return call_and_print(o->common, rule_get(o->id), print_rule); });
    }
    {
        const auto l = leaf("update", "Change a rule; the flags given replace those members");
        auto* cmd = l.first;
        const auto& o = l.second;
        add_rule_id(cmd, o->id);
        cmd->add_option("--name", o->flags.name, "New name");
        cmd->add_option("--sql", o->flags.sql, "New SQL statement");
        cmd->add_option("--description", o->flags.description, "New description");
        auto* action = add_action_option(cmd, o->flags.actions, action_help + "; replaces all");
        cmd->add_flag("--no-actions", o->no_actions, "Remove every action")->excludes(action);
        add_error_action_option(cmd, o->flags.error_action,
                                "New error action as a JSON object, or null to remove it");
        // An empty PATCH would succeed and change nothing: almost certainly
        // a forgotten flag, so it is a usage error.
        cmd->callback([o] {
            if (o->no_actions) o->flags.actions = std::vector<json>{};
            if (empty(o->flags))
                throw CLI::ValidationError(
                    "rule update",
                    "give --name, --sql, --description, --action, --no-actions or --error-action");
        });
        dispatcher.on(cmd, [o] {
            return call_and_print(o->common, rule_update(o->id, rule_body(o->flags)), print_rule);
        });
    }
    for (auto [verb, what] : {std::pair{"enable", "Start a rule"},
                              std::pair{"disable", "Stop a rule (it stays stored)"}}) {
        const auto l = leaf(verb, what);
        const auto& o = l.second;
        add_rule_id(l.first, o->id);
        dispatcher.on(l.first, [o, verb] {
            return call_and_print(o->common, rule_action(o->id, verb), print_rule);
        });
    }
    {
        const auto l = leaf("delete", "Stop and delete a rule");
        const auto& o = l.second;
        add_rule_id(l.first, o->id);
        dispatcher.on(l.first,
                      [o] { return call_and_print(o->common, rule_delete(o->id), print_nothing); });
    }
    {
        const auto l =
            leaf("test", "Run SQL (and actions) against one message without sending anything");
        auto* cmd = l.first;
        const auto& o = l.second;
        cmd->add_option("--sql", o->test.sql, "The rule's SQL statement")->required();
        auto* payload = cmd->add_option_function<std::string>(
            "--payload",
            [o](const std::string& text) {
                auto j = json::parse(text, nullptr, false);
                if (j.is_discarded())
                    throw CLI::ValidationError(
                        "--payload", "not valid JSON (use --raw-payload for other bytes)");
                o->test.payload = std::move(j);
            },
            "The message payload as JSON, e.g. '{\"temp\":31}'");
        auto* raw =
            cmd->add_option("--raw-payload", o->raw_payload, "The message payload as plain text");
        payload->excludes(raw);
        cmd->add_option("--topic", o->test.topic,
                        "The message's topic (default: the FROM filter, when it has no wildcards)");
        cmd->add_option("--device-name", o->test.device_name, "What deviceName() returns");
        cmd->add_option("--product-key", o->test.product_key, "What productKey() returns");
        cmd->add_option("--client-ip", o->test.client_ip, "What clientIp() returns");
        add_action_option(cmd, o->test_actions, action_help);
        cmd->callback([payload, raw, o] {
            if (payload->count() == 0 && raw->count() == 0)
                throw CLI::ValidationError("rule test", "give --payload or --raw-payload");
            if (o->test_actions) o->test.actions = *o->test_actions;
        });
        dispatcher.on(cmd, [o] { return run_test(*o); });
    }
}

}  // namespace ts::app::cli
