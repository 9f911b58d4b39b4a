#pragma once
// The broker's CPU time and resident memory, read from /proc at the start
// and end of a measurement window. The load generator shares the machine's
// cores with the broker, so CPU time per delivered message is the fairest
// figure for comparing brokers; rates alone also measure the generator.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace ts::app::bench {

struct ProcSample {
    std::uint64_t cpu_us = 0;  // utime + stime
    std::uint64_t rss_kb = 0;  // VmRSS
};

// nullopt when the process is gone or /proc cannot be read.
std::optional<ProcSample> sample_process(pid_t pid);

// Parsers for the two files, separate so they can be tested on fixed text.
// `stat` is the whole of /proc/PID/stat; the result is in clock ticks.
std::optional<std::uint64_t> parse_stat_cpu_ticks(std::string_view stat);
std::optional<std::uint64_t> parse_status_rss_kb(std::string_view status);

}  // namespace ts::app::bench
