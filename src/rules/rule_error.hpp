#pragma once
// Errors of the rules management layer (RuleManager, dry run). Each code is
// one API error: the API maps them in api/errors.cpp, one to one, onto an
// HTTP status and a stable code string (docs/api-errors.md).
#include <string>

namespace ts::rules {

enum class RuleErrc {
    InvalidArgument = 1,  // 400 "InvalidArgument": a field has the wrong type or size
    RuleNotFound,         // 404 "RuleNotFound"
    InvalidRuleSql,       // 400 "InvalidRuleSql": the statement does not compile
    InvalidRuleAction,    // 400 "InvalidRuleAction": an action object, or its target, is wrong
    RuleNameTaken,        // 409 "RuleNameTaken"
    StorageError,         // 500 "InternalError"
};

struct RuleError {
    RuleErrc code = RuleErrc::InvalidArgument;
    // Starts with the field it is about ("name: required",
    // "actions[1].url: ...", "sql: line 1, column 8: ...").
    std::string message;
    // InvalidRuleSql: where the statement went wrong (1-based); 0 otherwise.
    int line = 0;
    int column = 0;
};

}  // namespace ts::rules
