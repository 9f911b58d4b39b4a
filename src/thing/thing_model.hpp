#pragma once
// A product's thing model (Alibaba's TSL document): properties, events and
// services with their data types, parsed once into a compiled form whose
// lookups by identifier are hash lookups, and whose validators check a
// device's values without going back to the JSON document.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/expected.hpp"

namespace ts::thing {

enum class DataKind { Int, Float, Double, Text, Date, Bool, Enum, Struct, Array };

// The type's name in a TSL document ("int", "float", ..., "array").
std::string_view to_string(DataKind kind);

struct Param;

struct DataType {
    DataKind kind = DataKind::Int;
    // int / float / double (and array items of those)
    std::optional<double> min;
    std::optional<double> max;
    std::optional<double> step;
    std::string unit;
    std::string unit_name;
    // text: maximum length in bytes (at most 10240)
    std::size_t length = 10240;
    // bool ("0"/"1") and enum: key -> label
    std::map<std::int64_t, std::string> values;
    // struct: its members
    std::vector<Param> fields;
    // array: size (1..512) and item type
    std::size_t size = 0;
    std::shared_ptr<const DataType> item;
};

struct Param {
    std::string identifier;
    std::string name;
    DataType data_type;
};

enum class AccessMode { ReadWrite, ReadOnly };
enum class EventType { Info, Alert, Error };
// "info", "alert", "error": the TSL spelling.
std::string_view to_string(EventType type);
enum class CallType { Async, Sync };

struct Property {
    std::string identifier;
    std::string name;
    AccessMode access_mode = AccessMode::ReadWrite;
    bool required = false;
    std::string desc;
    DataType data_type;
};

struct Event {
    std::string identifier;
    std::string name;
    EventType type = EventType::Info;
    bool required = false;
    std::string desc;
    std::string method;  // thing.event.{identifier}.post
    std::vector<Param> output;
};

struct Service {
    std::string identifier;
    std::string name;
    CallType call_type = CallType::Async;
    bool required = false;
    std::string desc;
    std::string method;  // thing.service.{identifier}
    std::vector<Param> input;
    std::vector<Param> output;
};

class ThingModel {
public:
    std::string product_key;  // profile.productKey as given (may be empty)
    // A custom module's functionBlockId (empty for the default module). When
    // set, the identifiers below carry it as a prefix, "blockId:identifier".
    std::string function_block_id;
    std::vector<Property> properties;
    std::vector<Event> events;      // user-defined only (the built-in "post" is implied)
    std::vector<Service> services;  // user-defined only ("set"/"get" are implied)

    // nullptr when unknown. Identifiers of custom modules are
    // "blockId:identifier" as on the wire.
    const Property* find_property(std::string_view identifier) const;
    const Event* find_event(std::string_view identifier) const;
    const Service* find_service(std::string_view identifier) const;

    // Builds the identifier indexes; called once after the vectors are filled.
    void index();

private:
    std::unordered_map<std::string, std::size_t> property_index_;
    std::unordered_map<std::string, std::size_t> event_index_;
    std::unordered_map<std::string, std::size_t> service_index_;
};

using ThingModelPtr = std::shared_ptr<const ThingModel>;

// Where a TSL document is wrong: `path` in the document's own terms, e.g.
// "properties[3].dataType.specs.max", and what is wrong there. The path is
// empty for the document as a whole (not JSON, nested too deeply, not an
// object). Path and message are short printable ASCII whatever the document
// held, so they can go into a reply or a log as they are.
struct TslError {
    std::string path;
    std::string message;
};

// Parses and checks a TSL document (Alibaba's JSON format). Every rule of the
// format is checked; the first problem found is returned with its path.
Expected<ThingModelPtr, TslError> parse_thing_model(std::string_view json_text);
Expected<ThingModelPtr, TslError> parse_thing_model(const nlohmann::json& document);
// Text again: a std::string or a literal converts to both overloads above.
Expected<ThingModelPtr, TslError> parse_thing_model(const std::string& json_text);
Expected<ThingModelPtr, TslError> parse_thing_model(const char* json_text);

// The model as a TSL document, with the built-in event `post` and services
// `set` and `get` that Alibaba's export carries. An empty `product_key` falls
// back to the model's own.
nlohmann::json to_tsl_json(const ThingModel& model, std::string_view product_key);

// A device's value that does not fit its data type: Alibaba's code (63xx)
// and a message in the platform's style, "tsl parse: <reason> -> <identifier>".
struct ValueError {
    int code = 0;
    std::string message;
};

// Checks `value` (as it came from the device) against `type`. `identifier`
// names the value in the message (struct members and array items are named
// with their path, "pos.lat", "list[2]").
std::optional<ValueError> validate_value(const DataType& type, const nlohmann::json& value,
                                         std::string_view identifier);

// Checks a parameter object (event output, service input/output) against a
// parameter list: unknown members, wrong types; missing members are allowed.
std::optional<ValueError> validate_params(const std::vector<Param>& params,
                                          const nlohmann::json& object);

}  // namespace ts::thing
