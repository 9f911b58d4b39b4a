#include "rules/rule_manager.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "core/log.hpp"
#include "rules/action_secrets.hpp"
#include "rules/rule_definition.hpp"
#include "store/store_error.hpp"

namespace ts::rules {

namespace {

using nlohmann::json;
using store::RuleRecord;

Unexpected<RuleError> error(RuleErrc code, std::string message) {
    return unexpected(RuleError{code, std::move(message)});
}

Unexpected<RuleError> not_found(std::int64_t id) {
    return error(RuleErrc::RuleNotFound, "rule " + std::to_string(id) + " does not exist");
}

// The one store error a caller can cause is a taken name; the rest are the
// environment's (disk, locks) and reach the client as InternalError.
RuleError from_store(const Error& e, const std::string& name) {
    if (e.code == static_cast<int>(store::StoreErrc::constraint))
        return {RuleErrc::RuleNameTaken, "name: a rule named '" + name + "' already exists"};
    return {RuleErrc::StorageError, "rule store: " + e.message};
}

// The API shows secrets masked, so a client that edits a rule it read sends
// the masks back: those keep the stored values.
void keep_masked(std::string& next, const std::string& prev, std::string_view where) {
    if (next.empty() || prev.empty()) return;
    json n = json::parse(next, nullptr, false);
    json p = json::parse(prev, nullptr, false);
    if (n.is_discarded() || p.is_discarded()) return;
    keep_masked_secrets(n, std::move(p), where);
    next = n.dump();
}

}  // namespace

std::optional<std::int64_t> parse_rule_id(std::string_view text) {
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc{} || end != text.data() + text.size() || id <= 0) return std::nullopt;
    return id;
}

RuleManager::RuleManager(store::RuleStore& store, RuleEngine& engine)
    : store_(store), engine_(engine) {}

Expected<LoadSummary, RuleError> RuleManager::load_all() {
    std::lock_guard lock(change_mutex_);
    auto rules = store_.list();
    if (!rules) return unexpected(from_store(rules.error(), ""));
    auto log = ts::log::get("rules");
    LoadSummary summary;
    for (const RuleRecord& r : *rules) {
        if (!r.enabled) {
            ++summary.disabled;
            continue;
        }
        // One bad rule must not keep the platform (or the other rules) from
        // starting: it stays stored, visible and fixable through the API.
        std::string problem;
        if (auto checked = check_rule(r); !checked)
            problem = checked.error().message;
        else if (auto installed = engine_.install(r); !installed)
            problem = installed.error();
        if (problem.empty()) {
            ++summary.running;
            continue;
        }
        ++summary.failed;
        log->warn("rule {} ({}) left stopped: {}", r.id, r.name, problem);
    }
    log->info("rules loaded: running={} disabled={} failed={}", summary.running, summary.disabled,
              summary.failed);
    return summary;
}

Expected<json, RuleError> RuleManager::create(const json& body) {
    auto fields = read_rule_fields(body);
    if (!fields) return unexpected(fields.error());
    if (!fields->name) return error(RuleErrc::InvalidArgument, "name: required");
    if (!fields->sql) return error(RuleErrc::InvalidArgument, "sql: required");
    RuleRecord r;
    apply_fields(*fields, r);
    if (auto checked = check_rule(r); !checked) return unexpected(checked.error());

    std::lock_guard lock(change_mutex_);
    auto stored = store_.create(r);
    if (!stored) return unexpected(from_store(stored.error(), r.name));
    if (auto installed = engine_.install(*stored); !installed) {
        // The id is needed to install, so the row exists already; a rule
        // the engine refuses is not kept.
        if (auto removed = store_.remove(stored->id); !removed)
            ts::log::get("rules")->error("rule {}: could not remove a refused rule: {}", stored->id,
                                         removed.error().message);
        return error(RuleErrc::InvalidRuleAction, installed.error());
    }
    return view(*stored);
}

Expected<RulePage, RuleError> RuleManager::list(std::size_t page_size,
                                                const std::string& page_token) {
    // Tokens are the last id of the previous page: no server state, and
    // stable when rules are added or deleted between pages.
    std::int64_t after = 0;
    if (!page_token.empty()) {
        auto id = parse_rule_id(page_token);
        if (!id) return error(RuleErrc::InvalidArgument, "pageToken: malformed");
        after = *id;
    }
    if (page_size == 0) page_size = kDefaultRulePageSize;
    page_size = std::min(page_size, kMaxRulePageSize);
    auto rules = store_.list();
    if (!rules) return unexpected(from_store(rules.error(), ""));
    RulePage page;
    for (const RuleRecord& r : *rules) {
        if (r.id <= after) continue;
        if (page.items.size() == page_size) {
            page.next_page_token = std::to_string(page.items.back()["id"].get<std::int64_t>());
            break;
        }
        page.items.push_back(view(r));
    }
    return page;
}

Expected<json, RuleError> RuleManager::get(std::int64_t id) {
    auto r = load(id);
    if (!r) return unexpected(r.error());
    return view(*r);
}

Expected<json, RuleError> RuleManager::patch(std::int64_t id, const json& body) {
    auto fields = read_rule_fields(body);
    if (!fields) return unexpected(fields.error());
    std::lock_guard lock(change_mutex_);
    auto prev = load(id);
    if (!prev) return unexpected(prev.error());
    RuleRecord next = *prev;
    apply_fields(*fields, next);
    keep_masked(next.actions_json, prev->actions_json, "actions");
    keep_masked(next.error_action_json, prev->error_action_json, "errorAction");
    // The whole rule, not only the fields sent: a rule stored by a laxer
    // build is fixed by the patch or refused, never half-checked.
    if (auto checked = check_rule(next); !checked) return unexpected(checked.error());
    auto stored = replace(*prev, next);
    if (!stored) return unexpected(stored.error());
    return view(*stored);
}

Expected<void, RuleError> RuleManager::remove(std::int64_t id) {
    std::lock_guard lock(change_mutex_);
    auto removed = store_.remove(id);
    if (!removed) return unexpected(from_store(removed.error(), ""));
    if (!*removed) return not_found(id);
    engine_.uninstall(id);
    return {};
}

Expected<json, RuleError> RuleManager::set_enabled(std::int64_t id, bool enabled) {
    std::lock_guard lock(change_mutex_);
    auto prev = load(id);
    if (!prev) return unexpected(prev.error());
    // Already so: nothing to store. An enabled rule that is not running
    // (refused at startup) is tried again, which is what :enable is for.
    if (prev->enabled == enabled && (!enabled || !engine_.stats(id).is_null())) return view(*prev);
    RuleRecord next = *prev;
    next.enabled = enabled;
    if (!enabled) {
        // Stopping cannot fail, so it needs no undo: store, then stop.
        auto stored = store_.update(next);
        if (!stored) return unexpected(from_store(stored.error(), next.name));
        engine_.uninstall(id);
        return view(*stored);
    }
    if (auto checked = check_rule(next); !checked) return unexpected(checked.error());
    auto stored = replace(*prev, next);
    if (!stored) return unexpected(stored.error());
    return view(*stored);
}

Expected<RuleRecord, RuleError> RuleManager::load(std::int64_t id) {
    auto r = store_.get(id);
    if (!r) return unexpected(from_store(r.error(), ""));
    if (!*r) return not_found(id);
    return std::move(**r);
}

Expected<RuleRecord, RuleError> RuleManager::replace(const RuleRecord& prev,
                                                     const RuleRecord& next) {
    auto stored = store_.update(next);
    if (!stored) return unexpected(from_store(stored.error(), next.name));
    auto installed = engine_.install(*stored);
    if (installed) return std::move(*stored);
    // Back to the previous definition, in the store and in the engine.
    auto log = ts::log::get("rules");
    if (auto undone = store_.update(prev); !undone)
        log->error("rule {}: could not restore the previous definition: {}", prev.id,
                   undone.error().message);
    // A refused install leaves what ran before running; restart it only if
    // nothing runs (it was refused at startup too, or the engine stopped it).
    if (!prev.enabled) {
        engine_.uninstall(prev.id);
    } else if (engine_.stats(prev.id).is_null() && check_rule(prev)) {
        if (auto again = engine_.install(prev); !again)
            log->warn("rule {} ({}) left stopped: {}", prev.id, prev.name, again.error());
    }
    return error(RuleErrc::InvalidRuleAction, installed.error());
}

json RuleManager::view(const RuleRecord& r) const {
    return rule_json(r, engine_.stats(r.id));
}

}  // namespace ts::rules
