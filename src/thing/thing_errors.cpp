#include "thing/thing_errors.hpp"

namespace ts::thing {

int http_status(ThingErrc e) {
    switch (e) {
        case ThingErrc::InvalidArgument:
        case ThingErrc::InvalidThingModel:
            return 400;
        case ThingErrc::ProductNotFound:
        case ThingErrc::DeviceNotFound:
        case ThingErrc::ServiceNotFound:
        case ThingErrc::ConfigNotFound:
            return 404;
        case ThingErrc::DeviceOffline:
        case ThingErrc::VersionConflict:
            return 409;
        case ThingErrc::DeviceTimeout:
            return 504;
        case ThingErrc::StorageError:
            return 500;
    }
    return 500;
}

std::string_view to_api_code(ThingErrc e) {
    switch (e) {
        case ThingErrc::InvalidArgument:
            return "InvalidArgument";
        case ThingErrc::InvalidThingModel:
            return "InvalidThingModel";
        case ThingErrc::ProductNotFound:
            return "ProductNotFound";
        case ThingErrc::DeviceNotFound:
            return "DeviceNotFound";
        case ThingErrc::ServiceNotFound:
            return "ServiceNotFound";
        case ThingErrc::ConfigNotFound:
            return "ConfigNotFound";
        case ThingErrc::DeviceOffline:
            return "DeviceOffline";
        case ThingErrc::VersionConflict:
            return "VersionConflict";
        case ThingErrc::DeviceTimeout:
            return "DeviceTimeout";
        case ThingErrc::StorageError:
            return "InternalError";
    }
    return "InternalError";
}

}  // namespace ts::thing
