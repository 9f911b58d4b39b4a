#pragma once
// What the bench asks of the platform's REST API before it opens an MQTT
// connection: a product with a thing model, devices registered in batches
// with their secrets, a product's thing model. Through the CLI's HTTP
// client (app/cli/http_client.hpp); --server and --token fall back to
// $THINGSTEAD_SERVER and $THINGSTEAD_TOKEN as in the other client commands.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/bench/device_credentials.hpp"
#include "app/bench/options.hpp"
#include "app/cli/http_client.hpp"
#include "core/expected.hpp"

namespace ts::app::bench {

class BenchApi {
public:
    static Expected<BenchApi, std::string> open(const BenchOptions& o);

    // POST /products, then PUT its thing model; the new product key.
    Expected<std::string, std::string> create_product(const std::string& name,
                                                      const nlohmann::json& thing_model);
    // GET /products/{pk}/thing-model: the TSL document.
    Expected<nlohmann::json, std::string> thing_model(const std::string& pk);
    // POST /products/{pk}/devices:batch {"count"} in chunks of kBatchChunk.
    Expected<std::vector<DeviceCredential>, std::string> register_devices(const std::string& pk,
                                                                          std::size_t count);

    static constexpr std::size_t kBatchChunk = 1000;

private:
    BenchApi(cli::HttpClient http, std::string server)
        : http_(std::move(http)), server_(std::move(server)) {}
    // `what` failed: said for a person, naming the server when unreachable.
    std::string explain(const cli::ApiError& e, const std::string& what) const;

    cli::HttpClient http_;
    std::string server_;
};

// Whether the options ask for signed-in devices (--product or --devices-csv).
bool signs_in_as_devices(const BenchOptions& o);

// The first `count` devices of --devices-csv, or `count` new devices of
// --product registered through the API.
Expected<std::vector<DeviceCredential>, std::string> obtain_devices(const BenchOptions& o,
                                                                    std::size_t count);

// connect / idle: `count` clients sign in as devices (obtain_devices);
// sets o.identity and o.identity_label.
Expected<void, std::string> sign_in_as_devices(BenchOptions& o, std::size_t count);

}  // namespace ts::app::bench
