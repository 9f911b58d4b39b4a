#pragma once
// The syntax tree of a compiled statement or template hole. One node type
// with a kind tag keeps the evaluator a single switch; each kind documents
// which fields it uses.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ts::rules::sql {

struct FunctionSpec;

// What the type checks know about a node's value before any message is seen.
enum class StaticType { any, null, boolean, number, string };

enum class NodeKind {
    literal,  // literal
    path,     // path: a field of the payload (or of the row, in templates)
    negate,   // children[0]: unary minus
    arith,    // op: + - * / %, children[0..1]
    compare,  // op: = != < <= > >=, children[0..1]
    logical,  // op: AND OR, children[0..1]
    not_,     // children[0]
    in,       // negated; children[0] IN (children[1..])
    like,     // negated; children[0] LIKE children[1]
    is_null,  // negated; children[0] IS [NOT] NULL
    between,  // negated; children[0] BETWEEN children[1] AND children[2]
    case_,    // has_subject, has_else; children: [subject] (when, then)* [else]
    call,     // function; children: the arguments
    cast,     // cast_type; children[0]
};

enum class Op { add, sub, mul, div, mod, eq, ne, lt, le, gt, ge, and_, or_ };

enum class CastType { integer, number, string, boolean };

// One step of a path: a member name, or an array index (`list[0]`).
struct PathStep {
    std::string name;
    std::size_t index = 0;
    bool is_index = false;
};

struct Node {
    NodeKind kind = NodeKind::literal;
    int line = 1;  // of the node's first token, for error messages
    int column = 1;
    Op op = Op::add;
    bool negated = false;
    bool has_subject = false;
    bool has_else = false;
    CastType cast_type = CastType::string;
    nlohmann::json literal;
    std::vector<PathStep> path;
    const FunctionSpec* function = nullptr;
    std::vector<std::unique_ptr<Node>> children;
    StaticType type = StaticType::any;  // filled in by the type checks
    int height = 1;  // of the subtree, bounded so evaluation cannot exhaust the stack
};

using NodePtr = std::unique_ptr<Node>;

// One item of the SELECT list (`*` is Statement::select_all).
struct Column {
    std::string name;
    NodePtr expr;
};

struct Statement {
    bool select_all = false;
    std::vector<Column> columns;
    std::string source;  // the FROM topic filter
    NodePtr where;       // null without WHERE
};

const char* to_string(Op op);
const char* to_string(StaticType t);

}  // namespace ts::rules::sql
