// `thingstead device props|history|events|set|invoke|shadow`: a device's data
// and the calls made to it, per its product's thing model.
#include <cstdint>
#include <iostream>
#include <limits>
#include <memory>

#include "app/cli/api_call.hpp"
#include "app/cli/common.hpp"
#include "app/cli/output.hpp"
#include "app/cli/thing_requests.hpp"

namespace ts::app::cli {

namespace {

using nlohmann::json;

const std::vector<Column> kPropertyColumns = {
    {"IDENTIFIER", "identifier"},
    {"VALUE", "value"},
    {"TIME", "time"},
};

const std::vector<Column> kHistoryColumns = {
    {"TIME", "time"},
    {"VALUE", "value"},
};

const std::vector<Column> kEventColumns = {
    {"TIME", "time"},
    {"IDENTIFIER", "identifier"},
    {"TYPE", "type"},
    {"VALUE", "value"},
};

struct DeviceDataOptions {
    CommonOptions common;
    std::string pk;
    std::string dn;
    std::string identifier;               // history: --property; invoke: --service
    std::optional<std::string> event;     // events: --identifier
    TimeRange range;                      // history, events
    std::optional<json> params;           // set (required), invoke
    std::optional<int> timeout_ms;        // invoke
    std::optional<json> desired;          // shadow: write instead of read
    std::optional<std::int64_t> version;  // shadow
};

// For times and versions: CLI::NonNegativeNumber would print its upper bound
// as a 300-digit double.
const CLI::Range kNonNegative(std::int64_t{0}, std::numeric_limits<std::int64_t>::max());

// A JSON-object option (or null too, when `null_ok`), parsed while the
// command line is: bad JSON is a usage error naming the option, and nothing
// is sent.
CLI::Option* add_json_option(CLI::App* cmd, const std::string& name, std::optional<json>& target,
                             const std::string& what, bool null_ok = false) {
    return cmd->add_option_function<std::string>(
        name,
        [&target, name, null_ok](const std::string& text) {
            auto j = parse_json_object(text, null_ok);
            if (!j) throw CLI::ValidationError(name, j.error());
            target = std::move(*j);
        },
        what);
}

void add_range_options(CLI::App* cmd, TimeRange& range, const char* what) {
    cmd->add_option("--from", range.from, "From this time (ms since the epoch, inclusive)")
        ->check(kNonNegative);
    cmd->add_option("--to", range.to, "Up to this time (ms since the epoch, inclusive)")
        ->check(kNonNegative);
    cmd->add_option("--page-size", range.paging.page_size, what)->check(CLI::PositiveNumber);
    cmd->add_option("--page-token", range.paging.page_token, "Token printed by the previous page");
}

// Values as the tables show them: strings bare, anything else as compact
// JSON (an object of strings is a struct value here, not a tag list).
json values_as_text(const json& reply) {
    json out = reply;
    if (!out.is_object() || !out.contains("items") || !out["items"].is_array()) return out;
    for (auto& item : out["items"])
        if (item.is_object() && item.contains("value") && item["value"].is_structured())
            item["value"] = item["value"].dump(-1, ' ', false, json::error_handler_t::replace);
    return out;
}

TextPrinter list_printer(const std::vector<Column>& columns) {
    return [&columns](std::ostream& out, const json& reply) {
        print_list(out, columns, values_as_text(reply));
    };
}

// Replies that are JSON documents (a service's answer, the shadow) are
// printed as JSON with or without --json.
int call_and_print_json(const CommonOptions& common, const ApiRequest& req) {
    auto reply = api_call(common, req);
    if (!reply) return reply.error();
    print_json(std::cout, *reply);
    return kExitOk;
}

}  // namespace

void register_device_data_commands(CLI::App& device, Dispatcher& dispatcher) {
    auto leaf = [&](const char* name, const char* what) {
        auto opts = std::make_shared<DeviceDataOptions>();
        auto* cmd = device.add_subcommand(name, what);
        add_common_options(cmd, opts->common);
        cmd->add_option("--product", opts->pk, "Product key")->required();
        cmd->add_option("--name", opts->dn, "Device name")->required();
        return std::make_pair(cmd, opts);
    };

    {
        const auto l = leaf("props", "Show the device's latest property values");
        const auto& o = l.second;
        dispatcher.on(l.first, [o] {
            return call_and_print(o->common, device_properties(o->pk, o->dn),
                                  list_printer(kPropertyColumns));
        });
    }
    {
        const auto l = leaf("history", "Show one property's values over time, newest first");
        auto* cmd = l.first;
        const auto& o = l.second;
        cmd->add_option("--property", o->identifier, "Property identifier")->required();
        add_range_options(cmd, o->range, "Values per page");
        dispatcher.on(cmd, [o] {
            return call_and_print(o->common,
                                  device_property_history(o->pk, o->dn, o->identifier, o->range),
                                  list_printer(kHistoryColumns));
        });
    }
    {
        const auto l = leaf("events", "Show the events the device posted, newest first");
        auto* cmd = l.first;
        const auto& o = l.second;
        cmd->add_option("--identifier", o->event, "Only the events with this identifier");
        add_range_options(cmd, o->range, "Events per page");
        dispatcher.on(cmd, [o] {
            return call_and_print(o->common, device_events(o->pk, o->dn, o->event, o->range),
                                  list_printer(kEventColumns));
        });
    }
    {
        const auto l = leaf("set", "Set properties on the (online) device; prints the messageId");
        auto* cmd = l.first;
        const auto& o = l.second;
        add_json_option(cmd, "--params", o->params,
                        "Property values as a JSON object, e.g. '{\"temperature\":25}'")
            ->required();
        dispatcher.on(cmd, [o] {
            return call_and_print(o->common, device_set_properties(o->pk, o->dn, *o->params),
                                  [](std::ostream& out, const json& reply) {
                                      print_fields(out, reply, {"messageId"});
                                  });
        });
    }
    {
        const auto l = leaf("invoke",
                            "Call a service of the device; prints the answer (a synchronous "
                            "service's reply, or the messageId)");
        auto* cmd = l.first;
        const auto& o = l.second;
        cmd->add_option("--service", o->identifier, "Service identifier")->required();
        add_json_option(cmd, "--params", o->params, "Input parameters as a JSON object");
        cmd->add_option("--timeout-ms", o->timeout_ms,
                        "How long a synchronous service may take (1-8000 ms)")
            ->check(CLI::Range(1, 8000));
        dispatcher.on(cmd, [o] {
            return call_and_print_json(o->common, device_invoke_service(o->pk, o->dn, o->identifier,
                                                                        o->params, o->timeout_ms));
        });
    }
    {
        const auto l = leaf("shadow", "Show the device shadow, or set its desired state");
        auto* cmd = l.first;
        const auto& o = l.second;
        auto* desired =
            add_json_option(cmd, "--desired", o->desired,
                            "Merge this JSON object into the desired state (null: clear it)", true);
        cmd->add_option(
               "--version", o->version,
               "The shadow's next version (current + 1): refused if another update came first")
            ->check(kNonNegative)
            ->needs(desired);
        dispatcher.on(cmd, [o] {
            if (!o->desired) return call_and_print_json(o->common, device_shadow_get(o->pk, o->dn));
            return call_and_print_json(o->common,
                                       device_shadow_update(o->pk, o->dn, *o->desired, o->version));
        });
    }
}

}  // namespace ts::app::cli
