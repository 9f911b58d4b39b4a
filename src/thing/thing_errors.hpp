#pragma once
// Errors of the thing layer's management calls. Each maps to one HTTP status
// and one stable API code string (docs/api-errors.md), as registry errors do.
#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace ts::thing {

enum class ThingErrc {
    InvalidArgument = 1,  // 400 "InvalidArgument" (message names the field)
    InvalidThingModel,    // 400 "InvalidThingModel" (message names the path)
    ProductNotFound,      // 404 "ProductNotFound"
    DeviceNotFound,       // 404 "DeviceNotFound"
    ServiceNotFound,      // 404 "ServiceNotFound"
    ConfigNotFound,       // 404 "ConfigNotFound"
    DeviceOffline,        // 409 "DeviceOffline"
    VersionConflict,      // 409 "VersionConflict"
    DeviceTimeout,        // 504 "DeviceTimeout"
    StorageError,         // 500 "InternalError"
};

struct ThingError {
    ThingErrc code = ThingErrc::InvalidArgument;
    std::string message;
};

template <typename T>
using ThingResult = Expected<T, ThingError>;

int http_status(ThingErrc e);
std::string_view to_api_code(ThingErrc e);

}  // namespace ts::thing
