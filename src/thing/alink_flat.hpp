#pragma once
// The common shape of a device request, read without a DOM of the payload:
//   {"id": scalar, "version": "…", "method": "…", "sys": {"ack": number},
//    "params": {identifier: scalar, …}}
// compact, without escapes. Property posts of every SDK look like this, and
// with one value a post the DOM parse was the largest cost of a post on the
// event loop (docs/benchmarks-props.md).
//
// Anything else gives nullopt and the caller parses with
// parse_alink_request, which decides, accepts or refuses with its reasons.
// For every payload this accepts, the result equals parse_alink_request's
// (id, params, method, version, ack; `body` stays null): alink_flat_test
// and the alink fuzz target compare the two.
#include <optional>
#include <string_view>

#include "thing/alink.hpp"

namespace ts::thing {

std::optional<AlinkRequest> parse_flat_alink_request(std::string_view payload);

// parse_flat_alink_request, else parse_alink_request: for requests whose
// `body` (the rest of the object) nothing reads.
Expected<AlinkRequest, std::string> parse_device_request(std::string_view payload);

}  // namespace ts::thing
