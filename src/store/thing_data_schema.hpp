#pragma once
// The thing data tables, as migrations of the "thing_data" component.
#include <span>
#include <string_view>

#include "store/migrations.hpp"

namespace ts::store {

inline constexpr std::string_view kThingDataComponent = "thing_data";

std::span<const Migration> thing_data_migrations();

}  // namespace ts::store
