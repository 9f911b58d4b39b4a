#pragma once
// The data-plane writes queued by the SQLite thing data store, applied in
// queue order by its writer thread.
#include <cstddef>
#include <string>
#include <variant>
#include <vector>

#include "store/thing_data.hpp"

namespace ts::store {

struct PutProperties {
    std::string product_key;
    std::string device_name;
    std::vector<PropertyValue> values;
    WriteDone done;
};
struct PutEvent {
    EventRecord event;
    WriteDone done;
};
struct DeleteShadow {
    std::string product_key;
    std::string device_name;
};
struct DeleteDesired {
    std::string product_key;
    std::string device_name;
    std::string identifier;
};
struct DeleteDeviceData {
    std::string product_key;
    std::string device_name;
};

using ThingDataOp = std::variant<PutProperties, PutEvent, CallRecord, ShadowRecord, DeleteShadow,
                                 DesiredValue, DeleteDesired, DeleteDeviceData>;

// How many rows an operation stands for, for backlog accounting: a
// property post carries any number of values.
inline std::size_t op_weight(const ThingDataOp& op) {
    if (const auto* p = std::get_if<PutProperties>(&op)) return p->values.size();
    return 1;
}

}  // namespace ts::store
