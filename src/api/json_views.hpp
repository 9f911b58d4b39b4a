#pragma once
// Registry records as the API shows them (camelCase, times in ms since the
// Unix epoch, enums as their lower-case wire strings). One place, so the
// openapi.cpp schemas have one thing to agree with.
#include <nlohmann/json.hpp>

#include "registry/model.hpp"

namespace ts::api {

// Lists leave secrets out: a page of list output is the kind of thing that
// ends up in logs and browser caches; GET on the item (and the create and
// rotate replies) carry them.
enum class Secrets { Include, Omit };

nlohmann::json to_json(const registry::Product& p, Secrets secrets = Secrets::Include);
nlohmann::json to_json(const registry::Device& d, Secrets secrets = Secrets::Include);
nlohmann::json to_json(const registry::TopicClass& t);

}  // namespace ts::api
