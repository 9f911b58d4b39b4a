#pragma once
// The broker's CPU time and resident memory, read from /proc at the start
// and end of a measurement window. The load generator shares the machine's
// cores with the broker, so CPU time per delivered message is the fairest
// figure for comparing brokers; rates alone also measure the generator.
//
// utime + stime count in clock ticks (10 ms): over a half-second connect run
// that is 1 µs per connect, coarser than the changes being measured. Each
// thread's scheduler statistics count nanoseconds, but only while the thread
// lives, so a window uses them only when the same threads ran throughout.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace ts::app::bench {

struct ProcSample {
    std::uint64_t cpu_us = 0;  // utime + stime
    std::uint64_t rss_kb = 0;  // VmRSS
    // Sum of the threads' run time (schedstat), and which threads they were
    // (sorted); empty when the kernel does not keep the statistics.
    std::uint64_t thread_cpu_ns = 0;
    std::vector<pid_t> threads;
};

// CPU time between two samples in µs: from the threads' nanoseconds when
// both samples saw the same threads, otherwise from the ticks.
double cpu_us_between(const ProcSample& before, const ProcSample& after);

// nullopt when the process is gone or /proc cannot be read.
std::optional<ProcSample> sample_process(pid_t pid);

// Parsers for the two files, separate so they can be tested on fixed text.
// `stat` is the whole of /proc/PID/stat; the result is in clock ticks.
std::optional<std::uint64_t> parse_stat_cpu_ticks(std::string_view stat);
std::optional<std::uint64_t> parse_status_rss_kb(std::string_view status);
// /proc/PID/task/TID/schedstat: run time in ns, wait time, timeslices.
std::optional<std::uint64_t> parse_schedstat_run_ns(std::string_view schedstat);

}  // namespace ts::app::bench
