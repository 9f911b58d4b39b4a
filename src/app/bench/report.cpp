#include "app/bench/report.hpp"

#include <cmath>
#include <iomanip>
#include <sstream>

namespace ts::app::bench {

namespace {

double round_to(double v, int digits) {
    const double f = std::pow(10.0, digits);
    return std::round(v * f) / f;
}

double us(std::uint64_t ns) {
    return round_to(static_cast<double>(ns) / 1000.0, 1);
}

std::string cell(const nlohmann::ordered_json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_float()) {
        std::ostringstream s;
        const double d = v.get<double>();
        s << std::fixed << std::setprecision(std::fabs(d) >= 100 ? 0 : 2) << d;
        return s.str();
    }
    return v.dump();
}

// Nested objects (latency) become "latency_us.p99" rows.
void flatten(const nlohmann::ordered_json& obj, const std::string& prefix,
             std::vector<std::pair<std::string, std::string>>& rows) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        const auto name = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (it.value().is_object())
            flatten(it.value(), name, rows);
        else
            rows.emplace_back(name, cell(it.value()));
    }
}

void print_rows(const std::vector<std::pair<std::string, std::string>>& rows, std::ostream& out) {
    std::size_t width = 0;
    for (const auto& [k, v] : rows) width = std::max(width, k.size());
    for (const auto& [k, v] : rows)
        out << "  " << std::left << std::setw(static_cast<int>(width)) << k << "  " << v << "\n";
}

}  // namespace

nlohmann::ordered_json common_parameters(const BenchOptions& o) {
    nlohmann::ordered_json p;
    p["broker"] = o.host + ":" + std::to_string(o.port);
    p["threads"] = o.threads;
    p["source_addresses"] = o.source_addresses;
    return p;
}

void add_latency(Report& r, const LatencyHistogram& h, const char* key) {
    nlohmann::ordered_json l;
    l["samples"] = h.count();
    l["p50"] = us(h.percentile(50));
    l["p99"] = us(h.percentile(99));
    l["p99.9"] = us(h.percentile(99.9));
    l["max"] = us(h.max());
    l["mean"] = round_to(h.mean() / 1000.0, 1);
    r.results[key] = std::move(l);
}

void add_broker(Report& r, const std::optional<ProcSample>& before,
                const std::optional<ProcSample>& after, std::uint64_t delivered,
                const char* per_key) {
    if (!before || !after) {
        r.results["broker_cpu_us"] = nullptr;
        r.results[per_key] = nullptr;
        r.results["broker_rss_kb"] = nullptr;
        return;
    }
    const double cpu = cpu_us_between(*before, *after);
    r.results["broker_cpu_us"] = std::llround(cpu);
    r.results[per_key] =
        delivered ? nlohmann::ordered_json(round_to(cpu / static_cast<double>(delivered), 3))
                  : nlohmann::ordered_json(nullptr);
    r.results["broker_rss_kb"] = after->rss_kb;
    r.results["broker_rss_kb_at_start"] = before->rss_kb;
}

void print_report(const Report& r, bool json, std::ostream& out) {
    if (json) {
        nlohmann::ordered_json j;
        j["scenario"] = r.scenario;
        j["parameters"] = r.parameters;
        for (auto it = r.results.begin(); it != r.results.end(); ++it) j[it.key()] = it.value();
        j["notes"] = r.notes;
        out << j.dump() << "\n";
        return;
    }
    out << "scenario: " << r.scenario << "\n";
    std::vector<std::pair<std::string, std::string>> rows;
    flatten(r.parameters, "", rows);
    out << "parameters:\n";
    print_rows(rows, out);
    rows.clear();
    flatten(r.results, "", rows);
    out << "results:\n";
    print_rows(rows, out);
    for (const auto& n : r.notes) out << "note: " << n << "\n";
}

}  // namespace ts::app::bench
