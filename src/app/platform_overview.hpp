#pragma once
// The console's overview figures, gathered from the layers that own them:
// device counts from the registry's memory, traffic totals from the broker,
// rule totals from the store and the running engine. Rates are left to the
// caller (two samples apart), so this stays a cheap read.
#include <nlohmann/json.hpp>

#include "api/services.hpp"
#include "broker/broker.hpp"
#include "registry/registry.hpp"
#include "rules/engine.hpp"
#include "store/rule_store.hpp"
#include "thing/thing_service.hpp"

namespace ts::app {

class PlatformOverview final : public api::OverviewSource {
public:
    PlatformOverview(registry::Registry& registry, broker::Broker& broker,
                     const thing::ThingService& thing, store::RuleStore& rule_store,
                     const rules::RuleEngine& rules)
        : registry_(registry),
          broker_(broker),
          thing_(thing),
          rule_store_(rule_store),
          rules_(rules) {}

    nlohmann::json overview() override;

private:
    registry::Registry& registry_;
    broker::Broker& broker_;
    const thing::ThingService& thing_;
    store::RuleStore& rule_store_;
    const rules::RuleEngine& rules_;
};

}  // namespace ts::app
