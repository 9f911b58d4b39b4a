#pragma once
// The rules table, as migrations of the "rules" component.
#include <span>
#include <string_view>

#include "store/migrations.hpp"

namespace ts::store {

inline constexpr std::string_view kRuleStoreComponent = "rules";

std::span<const Migration> rule_store_migrations();

}  // namespace ts::store
