// Per rule and per action counters in the Prometheus text format. The
// # HELP/# TYPE headers are written once by RuleEngine::prometheus_text.
#include <fmt/format.h>

#include "rules/running_rule.hpp"

namespace ts::rules {

namespace {

// Label values escape backslash, double quote and newline (exposition format).
std::string label_value(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (char c : v) {
        if (c == '\\' || c == '"') out.push_back('\\');
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out.push_back(c);
    }
    return out;
}

std::uint64_t field(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

void append_action(std::string& out, const std::string& labels, const nlohmann::json& s) {
    for (const char* outcome : {"passed", "failed", "dropped"})
        out += fmt::format("thingstead_rule_action_rows_total{{{},outcome=\"{}\"}} {}\n", labels,
                           outcome, field(s, outcome));
    out +=
        fmt::format("thingstead_rule_action_retries_total{{{}}} {}\n", labels, field(s, "retries"));
    out += fmt::format("thingstead_rule_action_queued{{{}}} {}\n", labels, field(s, "queued"));
    const auto& lat = s.contains("latencyMs") ? s["latencyMs"] : nlohmann::json::object();
    auto number = [&](const char* k) {
        auto it = lat.find(k);
        return it != lat.end() && it->is_number() ? it->get<double>() : 0.0;
    };
    out += fmt::format("thingstead_rule_action_latency_avg_ms{{{}}} {}\n", labels, number("avg"));
    out += fmt::format("thingstead_rule_action_latency_max_ms{{{}}} {}\n", labels, number("max"));
}

}  // namespace

void RunningRule::append_prometheus(std::string& out) const {
    auto s = stats_json();
    std::string rule = fmt::format("rule=\"{}\",id=\"{}\"", label_value(name_), id_);
    for (const char* outcome : {"matched", "passed", "failed", "lost"})
        out += fmt::format("thingstead_rule_messages_total{{{},outcome=\"{}\"}} {}\n", rule,
                           outcome, field(s, outcome));
    const auto& actions = s["actions"];
    for (std::size_t i = 0; i < actions.size(); ++i) {
        std::string type = actions[i].value("type", "");
        append_action(out, fmt::format("{},action=\"{}\",type=\"{}\"", rule, i, label_value(type)),
                      actions[i]);
    }
    if (!s["errorAction"].is_null()) {
        std::string type = s["errorAction"].value("type", "");
        append_action(out, fmt::format("{},action=\"error\",type=\"{}\"", rule, label_value(type)),
                      s["errorAction"]);
    }
}

}  // namespace ts::rules
