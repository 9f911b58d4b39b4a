#pragma once
// A RuleStore that keeps the secret fields of rule actions (action_secrets.hpp)
// sealed with the master key, as device secrets are: the database holds
// {"$enc": "<base64 of nonce|ciphertext|tag>"} in their place, and callers
// see plain rules. The associated data is the field's place in the rule
// ("actions/0/headers/Authorization"), so a sealed value copied elsewhere
// does not open.
#include <cstddef>

#include "registry/secret_box.hpp"
#include "store/rule_store.hpp"

namespace ts::rules {

class SealedRuleStore final : public store::RuleStore {
public:
    // `inner` must outlive this store.
    SealedRuleStore(store::RuleStore& inner, registry::SecretBox box);

    Expected<std::vector<store::RuleRecord>, Error> list() override;
    Expected<std::optional<store::RuleRecord>, Error> get(std::int64_t id) override;
    Expected<store::RuleRecord, Error> create(store::RuleRecord r) override;
    Expected<store::RuleRecord, Error> update(const store::RuleRecord& r) override;
    Expected<bool, Error> remove(std::int64_t id) override;

    // The upgrade of rules stored by earlier builds: every secret still in
    // plain text is sealed. Returns how many rules were rewritten; run at
    // start, before anything reads the rules.
    Expected<std::size_t, Error> seal_plain_secrets();

private:
    Expected<store::RuleRecord, Error> seal(store::RuleRecord r) const;
    Expected<store::RuleRecord, Error> open(store::RuleRecord r) const;

    store::RuleStore& inner_;
    registry::SecretBox box_;
};

}  // namespace ts::rules
