#include "app/cli/output.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace ts::app::cli {

void print_json(std::ostream& out, const nlohmann::json& j) {
    // Replacing invalid UTF-8 rather than throwing: the output is for people
    // and scripts, and one odd byte must not lose the whole reply.
    out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

std::string format_time_ms(std::int64_t ms) {
    if (ms <= 0) return "-";
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[40];
    const auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%03dZ", static_cast<int>(ms % 1000));
    return std::string(buf, n) + frac;
}

std::string format_value(const std::string& key, const nlohmann::json& value) {
    if (value.is_null()) return "-";
    if (value.is_string()) {
        auto s = value.get<std::string>();
        return s.empty() ? "-" : s;
    }
    if ((key == "time" || key.ends_with("Time")) && value.is_number_integer())
        return format_time_ms(value.get<std::int64_t>());
    if (value.is_object()) {
        if (value.empty()) return "-";
        const bool all_strings = std::all_of(value.begin(), value.end(),
                                             [](const nlohmann::json& v) { return v.is_string(); });
        if (all_strings) {  // tags
            std::string out;
            for (const auto& [k, v] : value.items()) {
                if (!out.empty()) out += ',';
                out += k + "=" + v.get<std::string>();
            }
            return out;
        }
    }
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void print_table(std::ostream& out, const std::vector<Column>& columns,
                 const nlohmann::json& items) {
    std::vector<std::vector<std::string>> rows;
    rows.emplace_back();
    for (const auto& c : columns) rows.back().push_back(c.header);
    if (items.is_array()) {
        for (const auto& item : items) {
            rows.emplace_back();
            for (const auto& c : columns) {
                const bool has = item.is_object() && item.contains(c.field);
                rows.back().push_back(has ? format_value(c.field, item[c.field]) : "-");
            }
        }
    }
    std::vector<std::size_t> widths(columns.size(), 0);
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
        }
        out << line << "\n";
    }
}

void print_fields(std::ostream& out, const nlohmann::json& object,
                  const std::vector<std::string>& order) {
    if (!object.is_object()) {
        print_json(out, object);
        return;
    }
    std::vector<std::string> keys;
    for (const auto& k : order)
        if (object.contains(k)) keys.push_back(k);
    for (const auto& [k, v] : object.items())
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    std::size_t width = 0;
    for (const auto& k : keys) width = std::max(width, k.size());
    for (const auto& k : keys)
        out << k << ":" << std::string(width - k.size() + 1, ' ') << format_value(k, object[k])
            << "\n";
}

void print_list(std::ostream& out, const std::vector<Column>& columns,
                const nlohmann::json& reply) {
    const nlohmann::json empty = nlohmann::json::array();
    const auto& items = reply.is_object() && reply.contains("items") ? reply["items"] : empty;
    print_table(out, columns, items);
    if (reply.is_object() && reply.contains("nextPageToken") &&
        reply["nextPageToken"].is_string()) {
        const auto token = reply["nextPageToken"].get<std::string>();
        if (!token.empty()) out << "\nmore: --page-token " << token << "\n";
    }
}

namespace {
std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

void csv_row(std::ostream& out, const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << csv_field(row[i]);
    out << "\n";
}
}  // namespace

void write_csv(std::ostream& out, const std::vector<std::string>& header,
               const std::vector<std::vector<std::string>>& rows) {
    csv_row(out, header);
    for (const auto& r : rows) csv_row(out, r);
}

}  // namespace ts::app::cli
