#include "thing/model_cache.hpp"

namespace ts::thing {

ThingModelPtr ModelCache::get(const std::string& pk) const {
    std::shared_ptr<const Map> map;
    {
        std::lock_guard lock(mutex_);
        map = map_;
    }
    auto it = map->find(pk);
    return it == map->end() ? nullptr : it->second;
}

void ModelCache::put(const std::string& pk, ThingModelPtr model) {
    std::lock_guard lock(mutex_);
    auto next = std::make_shared<Map>(*map_);
    (*next)[pk] = std::move(model);
    map_ = std::move(next);
}

void ModelCache::erase(const std::string& pk) {
    std::lock_guard lock(mutex_);
    auto next = std::make_shared<Map>(*map_);
    next->erase(pk);
    map_ = std::move(next);
}

}  // namespace ts::thing
