#include "thing/thing_model.hpp"

namespace ts::thing {

namespace {
template <typename T>
void build(const std::vector<T>& items, std::unordered_map<std::string, std::size_t>& index) {
    index.clear();
    index.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) index.emplace(items[i].identifier, i);
}

template <typename T>
const T* lookup(const std::vector<T>& items,
                const std::unordered_map<std::string, std::size_t>& index, std::string_view id) {
    // Heterogeneous lookup needs C++20 transparent hashing; the maps are
    // small and keyed by short identifiers, so a temporary string is cheap.
    auto it = index.find(std::string(id));
    return it == index.end() ? nullptr : &items[it->second];
}
}  // namespace

std::string_view to_string(EventType type) {
    switch (type) {
        case EventType::Info:
            return "info";
        case EventType::Alert:
            return "alert";
        case EventType::Error:
            return "error";
    }
    return "info";
}

void ThingModel::index() {
    build(properties, property_index_);
    build(events, event_index_);
    build(services, service_index_);
}

const Property* ThingModel::find_property(std::string_view identifier) const {
    return lookup(properties, property_index_, identifier);
}
const Event* ThingModel::find_event(std::string_view identifier) const {
    return lookup(events, event_index_, identifier);
}
const Service* ThingModel::find_service(std::string_view identifier) const {
    return lookup(services, service_index_, identifier);
}

}  // namespace ts::thing
