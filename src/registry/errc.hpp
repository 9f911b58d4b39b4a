#pragma once
// Registry errors. Each maps to one HTTP status and one stable API error
// code string (see to_api_code), so nothing is translated twice.
#include <string>
#include <string_view>

namespace ts::registry {

enum class Errc {
    InvalidArgument = 1,  // 400, "InvalidArgument" (message names the field)
    ProductNotFound,      // 404, "ProductNotFound"
    DeviceNotFound,       // 404, "DeviceNotFound"
    TopicClassNotFound,   // 404, "TopicClassNotFound"
    ProductExists,        // 409, "ProductAlreadyExists"
    DeviceExists,         // 409, "DeviceAlreadyExists"
    TopicClassExists,     // 409, "TopicClassAlreadyExists"
    ProductHasDevices,    // 409, "ProductHasDevices"
    LimitExceeded,        // 400, "LimitExceeded"
    StorageError,         // 500, "InternalError"
};

struct RegistryError {
    Errc code = Errc::InvalidArgument;
    std::string message;
};

int http_status(Errc e);
std::string_view to_api_code(Errc e);

}  // namespace ts::registry
