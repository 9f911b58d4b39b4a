#include "app/sim/fleet_setup.hpp"

#include <cstdio>

#include "app/cli/requests.hpp"
#include "app/cli/thing_requests.hpp"

namespace ts::app::sim {
namespace {

Expected<nlohmann::json, cli::ApiError> call(cli::HttpClient& http, const cli::ApiRequest& r) {
    return http.call(r.method, r.path, r.body);
}

// The secret from a device resource, or an error naming the device.
Expected<std::string, std::string> secret_of(const nlohmann::json& device, const std::string& dn) {
    const auto it = device.find("deviceSecret");
    if (it == device.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
        return unexpected("the platform did not return the secret of device " + dn);
    return it->get<std::string>();
}

}  // namespace

std::string fleet_device_name(const std::string& prefix, std::size_t index) {
    char digits[24];
    std::snprintf(digits, sizeof digits, "%04zu", index);
    return prefix + digits;
}

std::string explain(const cli::ApiError& e, const std::string& server, const std::string& what) {
    if (e.status == 0) return "cannot reach the platform API at " + server + ": " + e.message;
    if (e.status == 401 || e.status == 403)
        return "the platform refused the API token (" + cli::describe(e) +
               "); give it with --token or THINGSTEAD_TOKEN";
    return what + ": " + cli::describe(e);
}

Expected<thing::ThingModelPtr, std::string> fetch_thing_model(cli::HttpClient& http,
                                                              const std::string& server,
                                                              const std::string& pk) {
    auto doc = call(http, cli::thing_model_get(pk));
    if (!doc) {
        if (doc.error().status == 404)
            return unexpected("product " + pk + " not found (" + cli::describe(doc.error()) + ")");
        return unexpected(explain(doc.error(), server, "cannot read the thing model of " + pk));
    }
    auto model = thing::parse_thing_model(*doc);
    if (!model) {
        const auto& e = model.error();
        return unexpected("the thing model of product " + pk +
                          " cannot be used: " + (e.path.empty() ? "" : e.path + ": ") + e.message);
    }
    return std::move(*model);
}

Expected<Fleet, std::string> ensure_fleet(cli::HttpClient& http, const std::string& server,
                                          const std::string& pk, const std::string& prefix,
                                          std::size_t count) {
    Fleet fleet;
    fleet.devices.reserve(count);
    for (std::size_t i = 1; i <= count; ++i) {
        const std::string dn = fleet_device_name(prefix, i);
        auto made = call(http, cli::device_register(pk, dn));
        if (!made && made.error().status == 409 && made.error().code == "DeviceAlreadyExists")
            made = call(http, cli::device_get(pk, dn));
        else if (made)
            ++fleet.registered;
        if (!made) {
            if (made.error().code == "ProductNotFound")
                return unexpected("product " + pk + " not found (" + cli::describe(made.error()) +
                                  ")");
            return unexpected(explain(made.error(), server, "cannot register device " + dn));
        }
        auto secret = secret_of(*made, dn);
        if (!secret) return unexpected(secret.error());
        fleet.devices.push_back({dn, std::move(*secret)});
    }
    return fleet;
}

}  // namespace ts::app::sim
