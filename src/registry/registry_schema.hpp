#pragma once
// The registry tables, as migrations of the "registry" component.
#include <span>
#include <string_view>

#include "store/migrations.hpp"

namespace ts::registry {

inline constexpr std::string_view kRegistryComponent = "registry";

std::span<const store::Migration> registry_migrations();

}  // namespace ts::registry
