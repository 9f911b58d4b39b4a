// parse_action: the fields every action shares (type, retry, queueLimit,
// overflow) are read here; the type's own fields by its parser in
// action_configs.hpp, which also rejects fields it does not know.
#include <nlohmann/json.hpp>

#include "rules/actions/action.hpp"
#include "rules/actions/action_configs.hpp"
#include "rules/actions/action_fields.hpp"

namespace ts::rules {

using namespace actions;

namespace {

// Bounds that keep a typo from tying up memory or a thread for hours.
constexpr std::int64_t kMaxAttempts = 100;
constexpr std::int64_t kMaxBackoffMs = 3'600'000;
constexpr std::int64_t kMaxQueueLimit = 1'000'000;

Expected<RetryPolicy, std::string> parse_retry(const json& j, const std::string& where) {
    RetryPolicy p;
    const auto it = j.find("retry");
    if (it == j.end()) return p;
    const auto path = field_path(where, "retry");
    if (auto ok = check_object(*it, path); !ok) return unexpected(ok.error());
    if (auto ok =
            check_known_fields(*it, path, {"maxAttempts", "initialBackoffMs", "maxBackoffMs"});
        !ok)
        return unexpected(ok.error());
    auto attempts = optional_int(*it, "maxAttempts", path, 1, kMaxAttempts);
    if (!attempts) return unexpected(attempts.error());
    auto initial = optional_int(*it, "initialBackoffMs", path, 0, kMaxBackoffMs);
    if (!initial) return unexpected(initial.error());
    auto max = optional_int(*it, "maxBackoffMs", path, 0, kMaxBackoffMs);
    if (!max) return unexpected(max.error());
    if (*attempts) p.max_attempts = static_cast<int>(**attempts);
    if (*initial) p.initial_backoff_ms = **initial;
    if (*max) p.max_backoff_ms = **max;
    if (p.max_backoff_ms < p.initial_backoff_ms)
        return field_error(field_path(path, *max ? "maxBackoffMs" : "initialBackoffMs"),
                           "maxBackoffMs must not be less than initialBackoffMs");
    return p;
}

Expected<void, std::string> parse_common(const json& j, const std::string& where,
                                         ActionSpec& spec) {
    auto retry = parse_retry(j, where);
    if (!retry) return unexpected(retry.error());
    spec.retry = *retry;
    auto limit = optional_int(j, "queueLimit", where, 1, kMaxQueueLimit);
    if (!limit) return unexpected(limit.error());
    if (*limit) spec.queue_limit = static_cast<std::size_t>(**limit);
    auto overflow = optional_string(j, "overflow", where);
    if (!overflow) return unexpected(overflow.error());
    if (*overflow) {
        if (**overflow == "dropNewest")
            spec.overflow = OverflowPolicy::DropNewest;
        else if (**overflow == "dropOldest")
            spec.overflow = OverflowPolicy::DropOldest;
        else
            return field_error(field_path(where, "overflow"),
                               "must be \"dropNewest\" or \"dropOldest\"");
    }
    return {};
}

// Runs the type's own parser only for its verdict.
template <typename Parse>
Expected<void, std::string> check_with(Parse parse, const json& j, const std::string& where) {
    auto config = parse(j, where);
    if (!config) return unexpected(config.error());
    return {};
}

Expected<void, std::string> check_type_fields(const std::string& type, const json& j,
                                              const std::string& where) {
    if (type == "republish") return check_with(parse_republish, j, where);
    if (type == "webhook") return check_with(parse_webhook, j, where);
    if (type == "database") return check_with(parse_database, j, where);
    if (type == "nats") return check_with(parse_nats, j, where);
    return field_error(field_path(where, "type"),
                       "must be one of \"republish\", \"webhook\", \"database\", \"nats\"");
}

}  // namespace

Expected<ActionSpec, std::string> parse_action(const nlohmann::json& j, const std::string& where) {
    // nlohmann throws only on misuse, but a throw here would reach the REST
    // handler as a 500 instead of the user's mistake as a 400.
    try {
        if (auto ok = check_object(j, where); !ok) return unexpected(ok.error());
        auto type = required_string(j, "type", where);
        if (!type) return unexpected(type.error());
        ActionSpec spec;
        spec.type = *type;
        if (auto ok = parse_common(j, where, spec); !ok) return unexpected(ok.error());
        if (auto ok = check_type_fields(spec.type, j, where); !ok) return unexpected(ok.error());
        spec.config = j;
        return spec;
    } catch (const std::exception& e) {
        return unexpected(field_path(where, "action") + ": " + e.what());
    }
}

}  // namespace ts::rules
