#include "thing/json_text.hpp"

#include <nlohmann/json.hpp>

namespace ts::thing {

void append_json_string(std::string& out, std::string_view s) {
    // Names and ids are printable ASCII nearly always: copied as they are.
    // Anything else (quotes, control characters, UTF-8) takes the library's
    // escaping, so both paths agree on every byte.
    for (char c : s) {
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
            out += nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            return;
        }
    }
    out += '"';
    out += s;
    out += '"';
}

}  // namespace ts::thing
