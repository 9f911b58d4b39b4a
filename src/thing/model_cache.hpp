#pragma once
// Compiled thing models by product key, read on every property post. Readers
// take a shared pointer under a short lock; a new model replaces the map
// (copy on write), so a post in progress keeps the model it started with.
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "thing/thing_model.hpp"

namespace ts::thing {

class ModelCache {
public:
    ThingModelPtr get(const std::string& pk) const;
    void put(const std::string& pk, ThingModelPtr model);
    void erase(const std::string& pk);

private:
    using Map = std::unordered_map<std::string, ThingModelPtr>;
    mutable std::mutex mutex_;
    std::shared_ptr<const Map> map_ = std::make_shared<Map>();
};

}  // namespace ts::thing
