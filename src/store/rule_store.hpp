#pragma once
// Rules as stored: the SQL text and the action objects exactly as the user
// gave them (validated by the rules layer before they get here).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/expected.hpp"

namespace ts::store {

struct RuleRecord {
    std::int64_t id = 0;
    std::string name;
    std::string description;
    std::string sql;
    std::string actions_json = "[]";  // JSON array of action objects
    std::string error_action_json;    // JSON object, or empty for none
    bool enabled = true;
    std::int64_t created_at_ms = 0;
    std::int64_t updated_at_ms = 0;
};

class RuleStore {
public:
    virtual ~RuleStore() = default;
    virtual Expected<std::vector<RuleRecord>, Error> list() = 0;
    virtual Expected<std::optional<RuleRecord>, Error> get(std::int64_t id) = 0;
    // Assigns id and timestamps; a duplicate name is StoreErrc::constraint.
    virtual Expected<RuleRecord, Error> create(RuleRecord r) = 0;
    virtual Expected<RuleRecord, Error> update(const RuleRecord& r) = 0;
    virtual Expected<bool, Error> remove(std::int64_t id) = 0;
};

// The platform keeps rules in its database file (thingstead.db; migrations are
// tracked per component), or ":memory:" for tests.
Expected<std::unique_ptr<RuleStore>, Error> open_sqlite_rule_store(const std::string& path);

}  // namespace ts::store
