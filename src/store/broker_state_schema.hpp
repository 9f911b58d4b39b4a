#pragma once
// The broker-state tables, as migrations of the "broker_state" component.
#include <span>
#include <string_view>

#include "store/migrations.hpp"

namespace ts::store {

inline constexpr std::string_view kBrokerStateComponent = "broker_state";

std::span<const Migration> broker_state_migrations();

}  // namespace ts::store
