#include "rules/sql/evaluator.hpp"

#include <array>
#include <vector>

#include "rules/sql/functions.hpp"
#include "rules/sql/like.hpp"

namespace ts::rules::sql {

namespace {

// Runtime errors carry the location of the node that failed.
std::string located(const Node& n, const std::string& message) {
    return "line " + std::to_string(n.line) + ", column " + std::to_string(n.column) + ": " +
           message;
}

#define TS_EVAL(var, expr)                                      \
    auto var##_result = (expr);                                 \
    if (!var##_result) return unexpected(var##_result.error()); \
    const Value& var = *var##_result

Value resolve_path(const Node& n, const json* root) {
    const json* at = root;
    for (const PathStep& step : n.path) {
        if (at == nullptr) return null_value();
        if (step.is_index) {
            at = at->is_array() && step.index < at->size() ? &(*at)[step.index] : nullptr;
        } else if (at->is_object()) {
            auto it = at->find(step.name);
            at = it == at->end() ? nullptr : &*it;
        } else {
            at = nullptr;
        }
    }
    return at ? Value::borrow(*at) : null_value();
}

Result logical(const Node& n, const EvalContext& ctx) {
    auto left = evaluate_condition(*n.children[0], ctx, to_string(n.op));
    if (!left) return unexpected(left.error());
    // Short circuit: FALSE AND x, TRUE OR x.
    const bool is_and = n.op == Op::and_;
    if (*left && **left != is_and) return Value::own(!is_and);
    auto right = evaluate_condition(*n.children[1], ctx, to_string(n.op));
    if (!right) return unexpected(right.error());
    if (*right && **right != is_and) return Value::own(!is_and);
    if (!*left || !*right) return null_value();
    return Value::own(is_and);
}

Result in_list(const Node& n, const EvalContext& ctx) {
    TS_EVAL(subject, evaluate(*n.children[0], ctx));
    if (subject.is_null()) return null_value();
    bool unknown = false;
    for (std::size_t i = 1; i < n.children.size(); ++i) {
        TS_EVAL(item, evaluate(*n.children[i], ctx));
        const Truth t = compare(Op::eq, subject.get(), item.get());
        if (t.value_or(false)) return Value::own(!n.negated);
        unknown = unknown || !t;
    }
    if (unknown) return null_value();
    return Value::own(n.negated);
}

Result like_op(const Node& n, const EvalContext& ctx) {
    TS_EVAL(s, evaluate(*n.children[0], ctx));
    TS_EVAL(p, evaluate(*n.children[1], ctx));
    if (s.is_null() || p.is_null()) return null_value();
    if (s->is_structured() || p->is_structured())
        return unexpected(located(n, std::string("LIKE needs strings, found ") +
                                         type_name(s->is_structured() ? s.get() : p.get())));
    const std::optional<bool> m =
        s->is_string() && p->is_string()
            ? like(s->get_ref<const std::string&>(), p->get_ref<const std::string&>(), ctx.budget)
            : like(to_text(s.get()), to_text(p.get()), ctx.budget);
    if (!m) return unexpected(located(n, kEvalLimitExceeded));
    return Value::own(*m != n.negated);
}

Result between(const Node& n, const EvalContext& ctx) {
    TS_EVAL(x, evaluate(*n.children[0], ctx));
    TS_EVAL(low, evaluate(*n.children[1], ctx));
    TS_EVAL(high, evaluate(*n.children[2], ctx));
    const Truth a = compare(Op::ge, x.get(), low.get());
    const Truth b = compare(Op::le, x.get(), high.get());
    Truth r;
    if (a == false || b == false)
        r = false;
    else if (a && b)
        r = true;
    if (r && n.negated) r = !*r;
    return Value::own(truth_json(r));
}

Result case_expr(const Node& n, const EvalContext& ctx) {
    const std::size_t first = n.has_subject ? 1 : 0;
    const std::size_t pairs_end = n.children.size() - (n.has_else ? 1 : 0);
    Value subject;
    if (n.has_subject) {
        auto s = evaluate(*n.children[0], ctx);
        if (!s) return s;
        subject = std::move(*s);
    }
    for (std::size_t i = first; i + 1 < pairs_end; i += 2) {
        bool hit = false;
        if (n.has_subject) {
            TS_EVAL(candidate, evaluate(*n.children[i], ctx));
            hit = compare(Op::eq, subject.get(), candidate.get()).value_or(false);
        } else {
            auto t = evaluate_condition(*n.children[i], ctx, "WHEN");
            if (!t) return unexpected(t.error());
            hit = t->value_or(false);
        }
        if (hit) return evaluate(*n.children[i + 1], ctx);
    }
    if (n.has_else) return evaluate(*n.children.back(), ctx);
    return null_value();
}

Result call(const Node& n, const EvalContext& ctx) {
    std::array<Value, kMaxArgs> args;
    const std::size_t count = std::min(n.children.size(), kMaxArgs);
    for (std::size_t i = 0; i < count; ++i) {
        auto v = evaluate(*n.children[i], ctx);
        if (!v) return v;
        args[i] = std::move(*v);
    }
    auto r = n.function->impl(CallContext{ctx.message}, std::span<const Value>(args.data(), count));
    if (!r) return unexpected(located(n, r.error()));
    return r;
}

}  // namespace

Expected<Truth, std::string> evaluate_condition(const Node& n, const EvalContext& ctx,
                                                const char* what) {
    auto v = evaluate(n, ctx);
    if (!v) return unexpected(v.error());
    if (v->is_null()) return Truth{};
    if (!v->get().is_boolean())
        return unexpected(
            located(n, std::string(what) + " needs a boolean, found " + type_name(v->get())));
    return Truth{v->get().get<bool>()};
}

Result evaluate(const Node& n, const EvalContext& ctx) {
    switch (n.kind) {
        case NodeKind::literal:
            return Value::borrow(n.literal);
        case NodeKind::path:
            return resolve_path(n, ctx.root);
        case NodeKind::negate: {
            TS_EVAL(a, evaluate(*n.children[0], ctx));
            auto r = negate(a.get());
            if (!r) return unexpected(located(n, r.error()));
            return r;
        }
        case NodeKind::arith: {
            TS_EVAL(a, evaluate(*n.children[0], ctx));
            TS_EVAL(b, evaluate(*n.children[1], ctx));
            auto r = arithmetic(n.op, a.get(), b.get());
            if (!r) return unexpected(located(n, r.error()));
            return r;
        }
        case NodeKind::compare: {
            TS_EVAL(a, evaluate(*n.children[0], ctx));
            TS_EVAL(b, evaluate(*n.children[1], ctx));
            return Value::own(truth_json(compare(n.op, a.get(), b.get())));
        }
        case NodeKind::logical:
            return logical(n, ctx);
        case NodeKind::not_: {
            auto t = evaluate_condition(*n.children[0], ctx, "NOT");
            if (!t) return unexpected(t.error());
            return Value::own(truth_json(*t ? Truth{!**t} : Truth{}));
        }
        case NodeKind::in:
            return in_list(n, ctx);
        case NodeKind::like:
            return like_op(n, ctx);
        case NodeKind::is_null: {
            TS_EVAL(a, evaluate(*n.children[0], ctx));
            return Value::own(a.is_null() != n.negated);
        }
        case NodeKind::between:
            return between(n, ctx);
        case NodeKind::case_:
            return case_expr(n, ctx);
        case NodeKind::call:
            return call(n, ctx);
        case NodeKind::cast: {
            TS_EVAL(a, evaluate(*n.children[0], ctx));
            return cast_value(a.get(), n.cast_type);
        }
    }
    return null_value();
}

}  // namespace ts::rules::sql
