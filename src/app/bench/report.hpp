#pragma once
// What a scenario found, printed as a table for people or as one JSON
// object (one line) for scripts such as bench/compare.sh.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "app/bench/options.hpp"
#include "app/bench/proc_sampler.hpp"
#include "app/bench/stats.hpp"

namespace ts::app::bench {

struct Report {
    std::string scenario;
    nlohmann::ordered_json parameters = nlohmann::ordered_json::object();
    nlohmann::ordered_json results = nlohmann::ordered_json::object();
    std::vector<std::string> notes;  // warnings worth a reader's attention
};

// The options every scenario shares, then the scenario's own.
nlohmann::ordered_json common_parameters(const BenchOptions& o);

// results["latency_us"] = {p50, p99, p99.9, max, mean} in microseconds.
void add_latency(Report& r, const LatencyHistogram& h, const char* key = "latency_us");

// broker_cpu_us, broker_cpu_us_per_msg (per `delivered`), broker_rss_kb; a
// note when the broker could not be sampled.
void add_broker(Report& r, const std::optional<ProcSample>& before,
                const std::optional<ProcSample>& after, std::uint64_t delivered,
                const char* per_key = "broker_cpu_us_per_msg");

void print_report(const Report& r, bool json, std::ostream& out);

}  // namespace ts::app::bench
