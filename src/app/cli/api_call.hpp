#pragma once
// The one path every REST subcommand takes: resolve server and token, make
// the call, print the error as "thingstead: <status> <code>: <message>".
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>

#include "app/cli/common.hpp"
#include "app/cli/http_client.hpp"
#include "app/cli/requests.hpp"
#include "core/expected.hpp"

namespace ts::app::cli {

// The reply, or the exit code after the problem was reported on stderr
// (2 for a malformed --server URL, 1 for anything the platform or the
// network said).
Expected<nlohmann::json, int> api_call(const CommonOptions& options, Method method,
                                       const std::string& path,
                                       const std::optional<nlohmann::json>& body = {});

using TextPrinter = std::function<void(std::ostream&, const nlohmann::json&)>;

// api_call, then the reply on stdout: pretty JSON with --json, else through
// `text`. Returns the exit code.
int call_and_print(const CommonOptions& options, Method method, const std::string& path,
                   const std::optional<nlohmann::json>& body, const TextPrinter& text);

inline Expected<nlohmann::json, int> api_call(const CommonOptions& options, const ApiRequest& r) {
    return api_call(options, r.method, r.path, r.body);
}
inline int call_and_print(const CommonOptions& options, const ApiRequest& r,
                          const TextPrinter& text) {
    return call_and_print(options, r.method, r.path, r.body, text);
}

// "/api/v1/products/{pk}" with the key encoded as one path segment.
std::string product_path(const std::string& pk);
// "/api/v1/products/{pk}/devices/{dn}".
std::string device_path(const std::string& pk, const std::string& dn);

}  // namespace ts::app::cli
