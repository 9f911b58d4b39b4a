#include "app/cli/api_call.hpp"

#include <iostream>

#include "app/cli/output.hpp"

namespace ts::app::cli {

Expected<nlohmann::json, int> api_call(const CommonOptions& options, Method method,
                                       const std::string& path,
                                       const std::optional<nlohmann::json>& body) {
    const CommonOptions o = resolve(options);
    auto url = parse_server_url(o.server);
    if (!url) {
        std::cerr << "thingstead: --server " << o.server << ": " << url.error() << "\n";
        return unexpected(kExitUsage);
    }
    HttpClient client(std::move(*url), o.token);
    auto reply = client.call(method, path, body);
    if (!reply) {
        std::cerr << "thingstead: " << describe(reply.error()) << "\n";
        return unexpected(kExitFailure);
    }
    return std::move(*reply);
}

int call_and_print(const CommonOptions& options, Method method, const std::string& path,
                   const std::optional<nlohmann::json>& body, const TextPrinter& text) {
    auto reply = api_call(options, method, path, body);
    if (!reply) return reply.error();
    if (options.json)
        print_json(std::cout, *reply);
    else if (text)
        text(std::cout, *reply);
    return kExitOk;
}

std::string product_path(const std::string& pk) {
    return "/api/v1/products/" + url_encode(pk);
}

std::string device_path(const std::string& pk, const std::string& dn) {
    return product_path(pk) + "/devices/" + url_encode(dn);
}

}  // namespace ts::app::cli
