#include "rules/sql/topic_filter.hpp"

namespace ts::rules::sql {

std::optional<std::string> topic_filter_problem(std::string_view filter) {
    if (filter.empty()) return "the topic filter is empty";
    if (filter.size() > 65535) return "the topic filter is longer than 65535 bytes";
    if (filter.find('\0') != std::string_view::npos)
        return "the topic filter contains a NUL character";
    std::size_t start = 0;
    for (;;) {
        const std::size_t slash = filter.find('/', start);
        const std::string_view level = filter.substr(
            start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        const bool last = slash == std::string_view::npos;
        if (level.find('#') != std::string_view::npos && (level != "#" || !last))
            return "'#' must be a whole level and the last one";
        if (level.find('+') != std::string_view::npos && level != "+")
            return "'+' must be a whole level";
        if (last) return std::nullopt;
        start = slash + 1;
    }
}

}  // namespace ts::rules::sql
