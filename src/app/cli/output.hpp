#pragma once
// Printing API replies: pretty JSON for --json, otherwise aligned tables for
// lists and "key: value" blocks for single resources. Pure functions over
// streams so tests can check the exact text.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace ts::app::cli {

// The API's JSON, indented by two spaces, one trailing newline.
void print_json(std::ostream& out, const nlohmann::json& j);

// "2024-05-01T12:00:00.123Z" (UTC); "-" for 0, which the API uses for "never".
std::string format_time_ms(std::int64_t ms);

// One value as text: strings bare, time and *Time fields as times, objects of strings
// as "k=v,k2=v2", everything else as compact JSON; "-" when missing/empty.
std::string format_value(const std::string& key, const nlohmann::json& value);

struct Column {
    std::string header;
    std::string field;  // key in each item
};

// A header row and one row per item, columns separated by two spaces and
// padded to the widest cell (the last column is not padded).
void print_table(std::ostream& out, const std::vector<Column>& columns,
                 const nlohmann::json& items);

// "key: value" per field of `object`, keys aligned; `order` first (when
// present), then any other fields by name.
void print_fields(std::ostream& out, const nlohmann::json& object,
                  const std::vector<std::string>& order = {});

// A list reply ({items, nextPageToken}): the table, then a hint with the
// next page's token when there is one.
void print_list(std::ostream& out, const std::vector<Column>& columns, const nlohmann::json& reply);

// CSV with a header line; fields quoted only when they need it (RFC 4180).
void write_csv(std::ostream& out, const std::vector<std::string>& header,
               const std::vector<std::vector<std::string>>& rows);

}  // namespace ts::app::cli
