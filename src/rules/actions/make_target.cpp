// make_target: reads the stored action object with its type's parser (the
// same one parse_action used) and builds the target without connecting.
#include "rules/actions/action.hpp"
#include "rules/actions/action_configs.hpp"

namespace ts::rules {

using namespace actions;

namespace {

template <typename Parse, typename Make>
Expected<std::unique_ptr<Target>, std::string> build(Parse parse, Make make,
                                                     const ActionSpec& spec) {
    auto config = parse(spec.config, std::string());
    if (!config) return unexpected(config.error());
    return make(std::move(*config));
}

}  // namespace

Expected<std::unique_ptr<Target>, std::string> make_target(const ActionSpec& spec,
                                                           const TargetEnv& env) {
    try {
        if (spec.type == "republish")
            return build(
                parse_republish,
                [&](RepublishConfig c) { return make_republish_target(std::move(c), env); }, spec);
        if (spec.type == "webhook") return build(parse_webhook, make_webhook_target, spec);
        if (spec.type == "database")
            return build(
                parse_database,
                [&](DatabaseConfig c) {
                    return c.connection.empty() ? make_sqlite_table_target(std::move(c), env)
                                                : make_postgres_target(std::move(c));
                },
                spec);
        if (spec.type == "nats") return build(parse_nats, make_nats_target, spec);
        return unexpected("unknown action type \"" + spec.type + "\"");
    } catch (const std::exception& e) {
        return unexpected(spec.type + ": " + e.what());
    }
}

}  // namespace ts::rules
