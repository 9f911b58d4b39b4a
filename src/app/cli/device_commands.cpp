// `thingstead device register|batch|list|get|delete|disable|enable|rotate-secret`:
// the /products/{pk}/devices resource (a device's data and calls are in
// device_data_commands.cpp).
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>

#include "app/cli/api_call.hpp"
#include "app/cli/common.hpp"
#include "app/cli/output.hpp"
#include "app/cli/requests.hpp"

namespace ts::app::cli {

namespace {

const std::vector<Column> kDeviceColumns = {
    {"DEVICE NAME", "deviceName"},     {"STATUS", "status"},
    {"LAST ONLINE", "lastOnlineTime"}, {"IP ADDRESS", "ipAddress"},
    {"FIRMWARE", "firmwareVersion"},   {"TAGS", "tags"},
};

const std::vector<Column> kCredentialColumns = {
    {"PRODUCT KEY", "productKey"},
    {"DEVICE NAME", "deviceName"},
    {"DEVICE SECRET", "deviceSecret"},
};

const std::vector<std::string> kDeviceFields = {
    "productKey", "deviceName",      "deviceSecret",     "status",
    "enabled",    "createdTime",     "firstOnlineTime",  "lastOnlineTime",
    "ipAddress",  "firmwareVersion", "firmwareVersions", "tags",
};

void print_device(std::ostream& out, const nlohmann::json& d) {
    print_fields(out, d, kDeviceFields);
}

void print_nothing(std::ostream&, const nlohmann::json&) {}

struct DeviceOptions {
    CommonOptions common;
    std::string pk;
    std::string dn;                       // commands on one existing device
    std::optional<std::string> new_name;  // register
    std::optional<std::size_t> count;     // batch
    std::optional<std::string> names;     // batch
    std::optional<std::string> csv;       // batch
    DeviceFilter filter;                  // list
};

// The rows of the credentials file: what a factory needs to flash devices.
std::vector<std::vector<std::string>> credential_rows(const nlohmann::json& reply) {
    std::vector<std::vector<std::string>> rows;
    if (!reply.contains("items") || !reply["items"].is_array()) return rows;
    for (const auto& d : reply["items"])
        rows.push_back(
            {d.value("productKey", ""), d.value("deviceName", ""), d.value("deviceSecret", "")});
    return rows;
}

int run_batch(const DeviceOptions& o) {
    // The file is opened before anything is registered: finding out that it
    // cannot be written after the secrets were created would lose them.
    std::ofstream csv;
    if (o.csv) {
        csv.open(*o.csv, std::ios::out | std::ios::trunc);
        if (!csv) {
            std::cerr << "thingstead: cannot write " << *o.csv << ": " << std::strerror(errno)
                      << "\n";
            return kExitFailure;
        }
    }
    const ApiRequest req = o.count ? device_batch_count(o.pk, *o.count)
                                   : device_batch_names(o.pk, *split_names(*o.names));
    auto reply = api_call(o.common, req);
    if (!reply) return reply.error();
    if (csv.is_open()) {
        write_csv(csv, {"productKey", "deviceName", "deviceSecret"}, credential_rows(*reply));
        csv.close();
        if (!csv) {
            std::cerr << "thingstead: writing " << *o.csv << " failed; the devices were "
                      << "registered, read them with `device list`\n";
            return kExitFailure;
        }
    }
    if (o.common.json)
        print_json(std::cout, *reply);
    else
        print_table(std::cout, kCredentialColumns, reply->value("items", nlohmann::json::array()));
    return kExitOk;
}

}  // namespace

void register_device_commands(CLI::App& app, Dispatcher& dispatcher) {
    auto* device = app.add_subcommand("device", "Register, list, read and manage devices");
    device->require_subcommand(1);
    auto leaf = [&](const char* name, const char* what) {
        auto opts = std::make_shared<DeviceOptions>();
        auto* cmd = device->add_subcommand(name, what);
        add_common_options(cmd, opts->common);
        cmd->add_option("--product", opts->pk, "Product key")->required();
        return std::make_pair(cmd, opts);
    };
    // The commands on one existing device all take --product and --name.
    auto one_device = [&](const char* name, const char* what) {
        auto l = leaf(name, what);
        l.first->add_option("--name", l.second->dn, "Device name")->required();
        return l;
    };

    {
        const auto l = leaf("register", "Register one device; prints its secret");
        auto* cmd = l.first;
        const auto& o = l.second;
        cmd->add_option("--name", o->new_name, "Device name (generated when absent)");
        dispatcher.on(cmd, [o] {
            return call_and_print(o->common, device_register(o->pk, o->new_name), print_device);
        });
    }
    {
        const auto l = leaf("batch", "Register many devices; prints (or saves) their secrets");
        auto* cmd = l.first;
        const auto& o = l.second;
        auto* count = cmd->add_option("--count", o->count, "Generate this many device names")
                          ->check(CLI::PositiveNumber);
        auto* names = cmd->add_option("--names", o->names, "Comma-separated device names");
        count->excludes(names);
        cmd->add_option("--csv", o->csv, "Also write productKey,deviceName,deviceSecret here");
        cmd->callback([o, count, names] {
            if (count->count() == 0 && names->count() == 0)
                throw CLI::ValidationError("device batch", "give --count N or --names a,b,c");
            if (o->names && !split_names(*o->names))
                throw CLI::ValidationError("--names", "an entry of \"" + *o->names + "\" is empty");
        });
        dispatcher.on(cmd, [o] { return run_batch(*o); });
    }
    {
        const auto l = leaf("list", "List a product's devices, one page at a time");
        auto* cmd = l.first;
        const auto& o = l.second;
        cmd->add_option("--status", o->filter.status, "inactive, online, offline or disabled")
            ->check(CLI::IsMember({"inactive", "online", "offline", "disabled"}));
        cmd->add_option("--name", o->filter.name_prefix, "Device names starting with this");
        cmd->add_option("--tag", o->filter.tag, "Devices with tag KEY, or KEY:VALUE")
            ->check(
                [](const std::string& t) {
                    return t.empty() || t.front() == ':' ? std::string("must be KEY or KEY:VALUE")
                                                         : std::string();
                },
                "KEY[:VALUE]");
        cmd->add_option("--page-size", o->filter.paging.page_size, "Devices per page")
            ->check(CLI::PositiveNumber);
        cmd->add_option("--page-token", o->filter.paging.page_token,
                        "Token printed by the previous page");
        dispatcher.on(cmd, [o] {
            return call_and_print(o->common, device_list(o->pk, o->filter),
                                  [](std::ostream& out, const nlohmann::json& reply) {
                                      print_list(out, kDeviceColumns, reply);
                                  });
        });
    }
    {
        const auto l = one_device("get", "Show one device, secret included");
        const auto& o = l.second;
        dispatcher.on(l.first, [o] {
            return call_and_print(o->common, device_get(o->pk, o->dn), print_device);
        });
    }
    {
        const auto l = one_device("delete", "Delete a device");
        const auto& o = l.second;
        dispatcher.on(l.first, [o] {
            return call_and_print(o->common, device_delete(o->pk, o->dn), print_nothing);
        });
    }
    // Custom methods of the API (POST .../{dn}:verb).
    struct Action {
        const char* command;
        const char* verb;
        const char* what;
    };
    static constexpr Action kActions[] = {
        {"disable", "disable", "Disable a device: disconnect it now and refuse it from now on"},
        {"enable", "enable", "Enable a disabled device"},
        {"rotate-secret", "rotateSecret",
         "Give a device a new secret (disconnects it); prints the new secret"},
    };
    for (const auto& a : kActions) {
        const auto l = one_device(a.command, a.what);
        const auto& o = l.second;
        const std::string verb = a.verb;
        dispatcher.on(l.first, [o, verb] {
            return call_and_print(o->common, device_action(o->pk, o->dn, verb), print_device);
        });
    }
    register_device_data_commands(*device, dispatcher);
}

}  // namespace ts::app::cli
