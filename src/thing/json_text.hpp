#pragma once
// Writing small JSON documents as text, for messages sent per device post
// where building a DOM only to dump it costs more than the rest of the work.
#include <string>
#include <string_view>

namespace ts::thing {

// Appends `s` as a JSON string, byte for byte as nlohmann::json's dump with
// error_handler_t::replace writes it (invalid UTF-8 becomes U+FFFD).
void append_json_string(std::string& out, std::string_view s);

}  // namespace ts::thing
