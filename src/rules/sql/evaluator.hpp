#pragma once
// Evaluates a checked tree against one message. Never throws: nlohmann::json
// is only read through non-throwing accessors, and every failure is a Result.
#include "rules/sql/ast.hpp"
#include "rules/sql/message_view.hpp"
#include "rules/sql/step_budget.hpp"
#include "rules/sql/value_ops.hpp"

namespace ts::rules::sql {

struct EvalContext {
    const json* root;  // where paths start: the payload, or the row in templates
    const MessageView& message;
    StepBudget& budget;  // shared by the whole row (or template render)
};

Result evaluate(const Node& n, const EvalContext& ctx);

// A condition (WHERE, AND, WHEN ...): a boolean or NULL; other values are an
// error naming `what`.
Expected<Truth, std::string> evaluate_condition(const Node& n, const EvalContext& ctx,
                                                const char* what);

}  // namespace ts::rules::sql
