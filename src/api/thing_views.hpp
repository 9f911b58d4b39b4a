#pragma once
// Thing layer records and errors as the API shows them.
#include <nlohmann/json.hpp>

#include "api/errors.hpp"
#include "store/thing_data.hpp"
#include "thing/thing_errors.hpp"

namespace ts::api {

ApiError from_thing(const thing::ThingError& e);

nlohmann::json to_json(const store::PropertyValue& v);
nlohmann::json to_json(const store::EventRecord& e);
nlohmann::json to_json(const store::CallRecord& c);
nlohmann::json to_json(const store::AggregateBucket& b);

// A stored JSON text as a JSON value (a string when it does not parse).
nlohmann::json stored_json(const std::string& text);

}  // namespace ts::api
