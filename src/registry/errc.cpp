// One table for both mappings, so a new error code cannot get a status
// without an API code or the other way round.
#include "registry/errc.hpp"

namespace ts::registry {

namespace {

struct Mapping {
    int status;
    std::string_view code;
};

Mapping mapping(Errc e) {
    switch (e) {
        case Errc::InvalidArgument:
            return {400, "InvalidArgument"};
        case Errc::ProductNotFound:
            return {404, "ProductNotFound"};
        case Errc::DeviceNotFound:
            return {404, "DeviceNotFound"};
        case Errc::TopicClassNotFound:
            return {404, "TopicClassNotFound"};
        case Errc::ProductExists:
            return {409, "ProductAlreadyExists"};
        case Errc::DeviceExists:
            return {409, "DeviceAlreadyExists"};
        case Errc::TopicClassExists:
            return {409, "TopicClassAlreadyExists"};
        case Errc::ProductHasDevices:
            return {409, "ProductHasDevices"};
        case Errc::LimitExceeded:
            return {400, "LimitExceeded"};
        case Errc::StorageError:
            return {500, "InternalError"};
    }
    return {500, "InternalError"};
}

}  // namespace

int http_status(Errc e) {
    return mapping(e).status;
}

std::string_view to_api_code(Errc e) {
    return mapping(e).code;
}

}  // namespace ts::registry
