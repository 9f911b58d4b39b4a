#include "app/platform_overview.hpp"

#include "core/clock.hpp"

namespace ts::app {

nlohmann::json PlatformOverview::overview() {
    const auto devices = registry_.count_devices();
    const auto traffic = broker_.totals();
    const auto& thing = thing_.counters();

    std::size_t rules_total = 0, rules_enabled = 0;
    if (auto records = rule_store_.list()) {
        rules_total = records->size();
        for (const auto& r : *records) rules_enabled += r.enabled ? 1 : 0;
    }
    nlohmann::json rules = rules_.summary();
    rules["total"] = rules_total;
    rules["enabled"] = rules_enabled;

    return {{"time", SystemClock().wall_ms()},
            {"products", devices.products},
            {"devices",
             {{"total", devices.total},
              {"online", devices.online},
              {"offline", devices.offline},
              {"inactive", devices.inactive},
              {"disabled", devices.disabled}}},
            {"connections", traffic.connections},
            {"messages",
             {{"received", traffic.messages_received},
              {"sent", traffic.messages_sent},
              {"dropped", traffic.dropped}}},
            {"thing",
             {{"propertyValuesStored", thing.property_values_stored.load()},
              {"eventsStored", thing.events_stored.load()},
              {"validationFailures", thing.validation_failures.load()}}},
            {"rules", std::move(rules)}};
}

}  // namespace ts::app
