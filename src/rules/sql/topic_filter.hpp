#pragma once
// The FROM clause names an MQTT topic filter; it is checked by the MQTT rules
// so that a rule that compiles can also be subscribed.
#include <optional>
#include <string>
#include <string_view>

namespace ts::rules::sql {

// Why the filter is not valid, or nullopt when it is.
std::optional<std::string> topic_filter_problem(std::string_view filter);

}  // namespace ts::rules::sql
