#pragma once
// What each REST subcommand sends: method, path (query included) and body.
// Kept apart from the CLI wiring so tests can check the requests without a
// server, and so a later console or script wrapper can reuse them.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/cli/http_client.hpp"

namespace ts::app::cli {

struct ApiRequest {
    Method method = Method::Get;
    std::string path;
    std::optional<nlohmann::json> body;
};

struct Paging {
    std::optional<std::size_t> page_size;
    std::optional<std::string> page_token;
};

// "?a=1&b=x%2Fy" from the pairs whose value is set; "" when none is.
std::string query_string(const std::vector<std::pair<std::string, std::optional<std::string>>>& q);

// "a,b , c" -> {"a","b","c"}; nullopt when an entry is empty ("a,,b").
std::optional<std::vector<std::string>> split_names(std::string_view list);

// -- products
struct ProductCreate {
    std::string name;
    std::optional<std::string> node_type, data_format, auth_type, description, validation_mode;
};
// The fields `product update` may change; only those set are sent.
struct ProductPatch {
    std::optional<std::string> name, description, validation_mode;
};
ApiRequest product_create(const ProductCreate& p);
ApiRequest product_list(const Paging& paging);
ApiRequest product_get(const std::string& pk);
ApiRequest product_update(const std::string& pk, const ProductPatch& patch);
ApiRequest product_delete(const std::string& pk);

// -- devices
ApiRequest device_register(const std::string& pk, const std::optional<std::string>& dn);
// Exactly one of count / names, as the API demands.
ApiRequest device_batch_count(const std::string& pk, std::size_t count);
ApiRequest device_batch_names(const std::string& pk, const std::vector<std::string>& names);

struct DeviceFilter {
    std::optional<std::string> status;
    std::optional<std::string> name_prefix;
    std::optional<std::string> tag;  // "key" or "key:value"
    Paging paging;
};
ApiRequest device_list(const std::string& pk, const DeviceFilter& filter);
ApiRequest device_get(const std::string& pk, const std::string& dn);
ApiRequest device_delete(const std::string& pk, const std::string& dn);
// `verb` is the API's custom method: "disable", "enable", "rotateSecret".
ApiRequest device_action(const std::string& pk, const std::string& dn, std::string_view verb);

// -- topic classes
ApiRequest topic_class_list(const std::string& pk);
ApiRequest topic_class_add(const std::string& pk, const std::string& topic,
                           const std::string& permission,
                           const std::optional<std::string>& description);
ApiRequest topic_class_delete(const std::string& pk, const std::string& topic);

}  // namespace ts::app::cli
