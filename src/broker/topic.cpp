#include "broker/topic.hpp"

namespace ts::broker {

std::optional<SharedFilter> parse_shared(std::string_view filter) {
    constexpr std::string_view prefix = "$share/";
    if (filter.substr(0, prefix.size()) != prefix) return std::nullopt;
    auto rest = filter.substr(prefix.size());
    auto slash = rest.find('/');
    SharedFilter out;
    if (slash == std::string_view::npos || slash == 0 || slash + 1 >= rest.size()) return out;
    auto group = rest.substr(0, slash);
    if (group.find_first_of("+#") != std::string_view::npos) return out;
    out.group = std::string(group);
    out.filter = std::string(rest.substr(slash + 1));
    return out;
}

bool topic_matches(std::string_view filter, std::string_view topic) {
    if (!topic.empty() && topic[0] == '$' && !filter.empty() &&
        (filter[0] == '+' || filter[0] == '#'))
        return false;
    std::size_t f = 0, t = 0;
    while (true) {
        auto fend = filter.find('/', f);
        auto flevel =
            filter.substr(f, fend == std::string_view::npos ? std::string_view::npos : fend - f);
        if (flevel == "#") return true;
        if (t > topic.size()) return false;
        auto tend = topic.find('/', t);
        auto tlevel =
            topic.substr(t, tend == std::string_view::npos ? std::string_view::npos : tend - t);
        if (flevel != "+" && flevel != tlevel) return false;
        bool flast = fend == std::string_view::npos;
        bool tlast = tend == std::string_view::npos;
        if (flast && tlast) return true;
        if (tlast) {
            // "a/#" also matches "a": the filter's next level must be a lone "#".
            return filter.substr(fend + 1) == "#";
        }
        if (flast) return false;
        f = fend + 1;
        t = tend + 1;
    }
}

std::size_t count_levels(std::string_view topic) {
    std::size_t n = 1;
    for (char c : topic)
        if (c == '/') ++n;
    return n;
}

}  // namespace ts::broker
