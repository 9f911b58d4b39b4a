#include "rules/sealed_rule_store.hpp"

#include <nlohmann/json.hpp>

#include "core/base64.hpp"
#include "rules/action_secrets.hpp"
#include "store/store_error.hpp"

namespace ts::rules {

namespace {

using nlohmann::json;
using store::RuleRecord;

constexpr const char* kSealedKey = "$enc";
constexpr std::string_view kAadPrefix = "thingstead/rule-secret/";

bool is_sealed(const json& v) {
    return v.is_object() && v.size() == 1 && v.contains(kSealedKey) && v[kSealedKey].is_string();
}

// Applies `fn` to each secret field of one stored JSON text; the text is
// rewritten only when something changed. Text that is not JSON is left for
// the rules layer's checks to report.
template <typename Fn>
Expected<bool, Error> transform(std::string& text, std::string_view where, Fn&& fn) {
    if (text.empty()) return false;
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) return false;
    bool changed = false;
    for (auto& f : secret_fields(j, where)) {
        auto r = fn(f);
        if (!r) return unexpected(r.error());
        changed = changed || *r;
    }
    if (changed) text = j.dump();
    return changed;
}

Error sealing_error(const RuleRecord& r, std::string_view location, const std::string& why) {
    return make_error(store::StoreErrc::corrupt,
                      "rule " + std::to_string(r.id) + " " + std::string(location) + ": " + why);
}

}  // namespace

SealedRuleStore::SealedRuleStore(store::RuleStore& inner, registry::SecretBox box)
    : inner_(inner), box_(std::move(box)) {}

Expected<RuleRecord, Error> SealedRuleStore::seal(RuleRecord r) const {
    auto seal_field = [&](SecretField& f) -> Expected<bool, Error> {
        if (!f.value->is_string()) return false;  // sealed already
        auto sealed =
            box_.seal(f.value->get_ref<const std::string&>(), std::string(kAadPrefix) + f.location);
        if (!sealed) return unexpected(sealing_error(r, f.location, sealed.error().message));
        *f.value = json{{kSealedKey, base64_encode(*sealed)}};
        return true;
    };
    if (auto s = transform(r.actions_json, "actions", seal_field); !s) return unexpected(s.error());
    if (auto s = transform(r.error_action_json, "errorAction", seal_field); !s)
        return unexpected(s.error());
    return r;
}

Expected<RuleRecord, Error> SealedRuleStore::open(RuleRecord r) const {
    auto open_field = [&](SecretField& f) -> Expected<bool, Error> {
        if (!is_sealed(*f.value)) return false;  // plain: stored by an earlier build
        const auto bytes = base64_decode((*f.value)[kSealedKey].get_ref<const std::string&>());
        if (!bytes) return unexpected(sealing_error(r, f.location, "sealed value is not base64"));
        auto plain = box_.open(*bytes, std::string(kAadPrefix) + f.location);
        if (!plain)
            return unexpected(sealing_error(r, f.location,
                                            "cannot open the sealed secret (another master key?)"));
        *f.value = std::move(*plain);
        return true;
    };
    if (auto s = transform(r.actions_json, "actions", open_field); !s) return unexpected(s.error());
    if (auto s = transform(r.error_action_json, "errorAction", open_field); !s)
        return unexpected(s.error());
    return r;
}

Expected<std::vector<RuleRecord>, Error> SealedRuleStore::list() {
    auto rules = inner_.list();
    if (!rules) return unexpected(rules.error());
    for (auto& r : *rules) {
        auto opened = open(std::move(r));
        if (!opened) return unexpected(opened.error());
        r = std::move(*opened);
    }
    return rules;
}

Expected<std::optional<RuleRecord>, Error> SealedRuleStore::get(std::int64_t id) {
    auto r = inner_.get(id);
    if (!r || !*r) return r;
    auto opened = open(std::move(**r));
    if (!opened) return unexpected(opened.error());
    return std::optional<RuleRecord>(std::move(*opened));
}

Expected<RuleRecord, Error> SealedRuleStore::create(RuleRecord r) {
    auto sealed = seal(r);
    if (!sealed) return unexpected(sealed.error());
    auto stored = inner_.create(std::move(*sealed));
    if (!stored) return unexpected(stored.error());
    return open(std::move(*stored));
}

Expected<RuleRecord, Error> SealedRuleStore::update(const RuleRecord& r) {
    auto sealed = seal(r);
    if (!sealed) return unexpected(sealed.error());
    auto stored = inner_.update(*sealed);
    if (!stored) return unexpected(stored.error());
    return open(std::move(*stored));
}

Expected<bool, Error> SealedRuleStore::remove(std::int64_t id) {
    return inner_.remove(id);
}

Expected<std::size_t, Error> SealedRuleStore::seal_plain_secrets() {
    auto rules = inner_.list();
    if (!rules) return unexpected(rules.error());
    std::size_t rewritten = 0;
    for (const auto& stored : *rules) {
        auto sealed = seal(stored);
        if (!sealed) return unexpected(sealed.error());
        if (sealed->actions_json == stored.actions_json &&
            sealed->error_action_json == stored.error_action_json)
            continue;
        if (auto u = inner_.update(*sealed); !u) return unexpected(u.error());
        ++rewritten;
    }
    return rewritten;
}

}  // namespace ts::rules
