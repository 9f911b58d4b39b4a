#pragma once
// The REST side of `thingstead sim`: the product's thing model, and the
// devices {prefix}0001.. registered, or found with their secrets when they
// exist already. Errors come back as sentences for "thingstead: <error>"
// that name the problem (unreachable API, refused token, unknown product).
#include <cstddef>
#include <string>
#include <vector>

#include "app/cli/http_client.hpp"
#include "core/expected.hpp"
#include "thing/thing_model.hpp"

namespace ts::app::sim {

struct FleetDevice {
    std::string name;
    std::string secret;
};

struct Fleet {
    std::vector<FleetDevice> devices;
    std::size_t registered = 0;  // of which new
};

// "{prefix}0001" for index 1: four digits at least.
std::string fleet_device_name(const std::string& prefix, std::size_t index);

// `what` failed with `e`, said for a person: the API unreachable at `server`,
// the token refused, or the API's own status, code and message.
std::string explain(const cli::ApiError& e, const std::string& server, const std::string& what);

// GET /products/{pk}/thing-model, parsed.
Expected<thing::ThingModelPtr, std::string> fetch_thing_model(cli::HttpClient& http,
                                                              const std::string& server,
                                                              const std::string& pk);

// Registers {prefix}0001..{prefix}{count} where missing (409
// DeviceAlreadyExists: the existing device's secret is read instead).
Expected<Fleet, std::string> ensure_fleet(cli::HttpClient& http, const std::string& server,
                                          const std::string& pk, const std::string& prefix,
                                          std::size_t count);

}  // namespace ts::app::sim
