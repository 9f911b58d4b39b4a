#include "rules/sql/time_format.hpp"

#include <cstdio>

namespace ts::rules::sql {

namespace {

struct Civil {
    std::int64_t year;
    int month, day, hour, minute, second, milli;
};

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's
// civil_from_days): no gmtime, so no locale, no global state, any year.
Civil to_civil(std::int64_t ms) {
    std::int64_t days = ms / 86400000;
    std::int64_t rest = ms % 86400000;
    if (rest < 0) {
        rest += 86400000;
        --days;
    }
    const std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
    Civil c{};
    c.year = yoe + era * 400 + (m <= 2 ? 1 : 0);
    c.month = static_cast<int>(m);
    c.day = static_cast<int>(d);
    c.hour = static_cast<int>(rest / 3600000);
    c.minute = static_cast<int>(rest / 60000 % 60);
    c.second = static_cast<int>(rest / 1000 % 60);
    c.milli = static_cast<int>(rest % 1000);
    return c;
}

void append(std::string& out, std::int64_t v, int width) {
    char buf[32];
    const int n = std::snprintf(buf, sizeof buf, "%0*lld", width, static_cast<long long>(v));
    if (n > 0) out.append(buf, static_cast<std::size_t>(n));
}

}  // namespace

std::string format_utc(std::int64_t epoch_ms, std::string_view pattern) {
    const Civil c = to_civil(epoch_ms);
    std::string out;
    out.reserve(pattern.size() + 8);
    std::size_t i = 0;
    auto take = [&](std::string_view token) {
        if (pattern.substr(i, token.size()) != token) return false;
        i += token.size();
        return true;
    };
    while (i < pattern.size()) {
        if (take("yyyy"))
            append(out, c.year, 4);
        else if (take("yy"))
            append(out, ((c.year % 100) + 100) % 100, 2);
        else if (take("MM"))
            append(out, c.month, 2);
        else if (take("dd"))
            append(out, c.day, 2);
        else if (take("HH"))
            append(out, c.hour, 2);
        else if (take("mm"))
            append(out, c.minute, 2);
        else if (take("ss"))
            append(out, c.second, 2);
        else if (take("SSS"))
            append(out, c.milli, 3);
        else
            out += pattern[i++];
    }
    return out;
}

}  // namespace ts::rules::sql
