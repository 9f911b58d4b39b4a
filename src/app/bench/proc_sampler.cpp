#include "app/bench/proc_sampler.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace ts::app::bench {

namespace {

std::optional<std::string> slurp(const std::string& path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::optional<std::uint64_t> to_u64(std::string_view s) {
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p == s.data()) return std::nullopt;
    return v;
}

}  // namespace

std::optional<std::uint64_t> parse_stat_cpu_ticks(std::string_view stat) {
    // The command name (field 2) is in parentheses and may hold spaces and
    // ')', so fields are counted from the last ')'. After it come field 3
    // (state) onwards; utime and stime are fields 14 and 15.
    const auto close = stat.rfind(')');
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view rest = stat.substr(close + 1);
    std::uint64_t total = 0;
    int field = 2;
    std::size_t pos = 0;
    while (pos < rest.size()) {
        while (pos < rest.size() && rest[pos] == ' ') ++pos;
        const auto end = rest.find(' ', pos);
        const auto token = rest.substr(pos, end == std::string_view::npos ? end : end - pos);
        ++field;
        if (field == 14 || field == 15) {
            auto v = to_u64(token);
            if (!v) return std::nullopt;
            total += *v;
            if (field == 15) return total;
        }
        if (end == std::string_view::npos) break;
        pos = end + 1;
    }
    return std::nullopt;
}

std::optional<std::uint64_t> parse_status_rss_kb(std::string_view status) {
    const auto at = status.find("VmRSS:");
    if (at == std::string_view::npos) return std::nullopt;
    auto rest = status.substr(at + 6);
    const auto digits = rest.find_first_of("0123456789");
    if (digits == std::string_view::npos) return std::nullopt;
    rest = rest.substr(digits);
    return to_u64(rest.substr(0, rest.find_first_not_of("0123456789")));
}

std::optional<std::uint64_t> parse_schedstat_run_ns(std::string_view schedstat) {
    return to_u64(schedstat.substr(0, schedstat.find(' ')));
}

namespace {

// Fills the per-thread figures, or leaves them empty if any thread's
// statistics cannot be read.
void sample_threads(const std::string& base, ProcSample& s) {
    std::error_code ec;
    std::filesystem::directory_iterator dir(base + "/task", ec);
    if (ec) return;
    std::uint64_t total = 0;
    std::vector<pid_t> threads;
    // Stepped with an error code: the process may end while being listed.
    for (; dir != std::filesystem::directory_iterator(); dir.increment(ec)) {
        if (ec) return;
        const auto name = dir->path().filename().string();
        auto tid = to_u64(name);
        auto text = slurp(dir->path().string() + "/schedstat");
        // A thread that ended while being listed no longer counts.
        if (!text) continue;
        auto ns = parse_schedstat_run_ns(*text);
        if (!tid || !ns) return;
        total += *ns;
        threads.push_back(static_cast<pid_t>(*tid));
    }
    if (ec) return;
    std::sort(threads.begin(), threads.end());
    s.thread_cpu_ns = total;
    s.threads = std::move(threads);
}

}  // namespace

double cpu_us_between(const ProcSample& before, const ProcSample& after) {
    if (!before.threads.empty() && before.threads == after.threads &&
        after.thread_cpu_ns >= before.thread_cpu_ns)
        return static_cast<double>(after.thread_cpu_ns - before.thread_cpu_ns) / 1000.0;
    return static_cast<double>(after.cpu_us) - static_cast<double>(before.cpu_us);
}

std::optional<ProcSample> sample_process(pid_t pid) {
    const std::string base = "/proc/" + std::to_string(pid);
    auto stat = slurp(base + "/stat");
    auto status = slurp(base + "/status");
    if (!stat || !status) return std::nullopt;
    auto ticks = parse_stat_cpu_ticks(*stat);
    auto rss = parse_status_rss_kb(*status);
    if (!ticks || !rss) return std::nullopt;
    const auto hz = static_cast<std::uint64_t>(sysconf(_SC_CLK_TCK));
    ProcSample s;
    s.cpu_us = *ticks * 1'000'000 / (hz ? hz : 100);
    s.rss_kb = *rss;
    sample_threads(base, s);
    return s;
}

}  // namespace ts::app::bench
