#include "app/bench/bench_api.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "app/cli/common.hpp"
#include "app/cli/requests.hpp"
#include "app/cli/thing_requests.hpp"

namespace ts::app::bench {

namespace {

Expected<nlohmann::json, cli::ApiError> call(cli::HttpClient& http, const cli::ApiRequest& r) {
    return http.call(r.method, r.path, r.body);
}

Expected<std::vector<DeviceCredential>, std::string> read_csv_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) return unexpected("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    auto devices = parse_credentials_csv(text.str());
    if (!devices) return unexpected(path + ": " + devices.error());
    return devices;
}

}  // namespace

Expected<BenchApi, std::string> BenchApi::open(const BenchOptions& o) {
    cli::CommonOptions given;
    given.server = o.server;
    given.token = o.token;
    const auto common = cli::resolve(given);
    auto url = cli::parse_server_url(common.server);
    if (!url) return unexpected("--server " + common.server + ": " + url.error());
    return BenchApi(cli::HttpClient(std::move(*url), common.token), common.server);
}

std::string BenchApi::explain(const cli::ApiError& e, const std::string& what) const {
    if (e.status == 0) return "cannot reach the platform API at " + server_ + ": " + e.message;
    if (e.status == 401 || e.status == 403)
        return "the platform refused the API token (" + cli::describe(e) +
               "); give it with --token or THINGSTEAD_TOKEN";
    return what + ": " + cli::describe(e);
}

Expected<std::string, std::string> BenchApi::create_product(const std::string& name,
                                                            const nlohmann::json& thing_model) {
    cli::ProductCreate p;
    p.name = name;
    auto made = call(http_, cli::product_create(p));
    if (!made) return unexpected(explain(made.error(), "cannot create a product"));
    const auto pk = made->value("productKey", "");
    if (pk.empty()) return unexpected(std::string("the platform returned no productKey"));
    auto set = call(http_, cli::thing_model_set(pk, thing_model));
    if (!set) return unexpected(explain(set.error(), "cannot set the thing model of " + pk));
    return pk;
}

Expected<nlohmann::json, std::string> BenchApi::thing_model(const std::string& pk) {
    auto doc = call(http_, cli::thing_model_get(pk));
    if (!doc) return unexpected(explain(doc.error(), "cannot read the thing model of " + pk));
    return std::move(*doc);
}

Expected<std::vector<DeviceCredential>, std::string> BenchApi::register_devices(
    const std::string& pk, std::size_t count) {
    std::vector<DeviceCredential> all;
    all.reserve(count);
    while (all.size() < count) {
        const auto n = std::min(kBatchChunk, count - all.size());
        auto reply = call(http_, cli::device_batch_count(pk, n));
        if (!reply) return unexpected(explain(reply.error(), "cannot register devices of " + pk));
        auto got = credentials_from_batch_reply(*reply);
        if (!got) return unexpected(got.error());
        for (auto& d : *got) all.push_back(std::move(d));
        if (got->empty()) return unexpected(std::string("the platform registered no device"));
    }
    all.resize(count);
    return all;
}

bool signs_in_as_devices(const BenchOptions& o) {
    return !o.product.empty() || !o.devices_csv.empty();
}

Expected<std::vector<DeviceCredential>, std::string> obtain_devices(const BenchOptions& o,
                                                                    std::size_t count) {
    if (!o.devices_csv.empty()) {
        auto devices = read_csv_file(o.devices_csv);
        if (!devices) return devices;
        if (devices->size() < count)
            return unexpected(o.devices_csv + " has " + std::to_string(devices->size()) +
                              " devices; " + std::to_string(count) + " are needed");
        devices->resize(count);
        return devices;
    }
    auto api = BenchApi::open(o);
    if (!api) return unexpected(api.error());
    return api->register_devices(o.product, count);
}

Expected<void, std::string> sign_in_as_devices(BenchOptions& o, std::size_t count) {
    auto devices = obtain_devices(o, count);
    if (!devices) return unexpected(devices.error());
    o.identity_label = "devices of " + devices->front().product_key + " (hmacsha256)";
    o.identity = device_identity(std::move(*devices));
    return {};
}

}  // namespace ts::app::bench
