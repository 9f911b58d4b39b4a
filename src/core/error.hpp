#pragma once
// The error value carried across layers: a code from the layer's own enum
// (kept as an integer here so core does not know every layer) and a message
// for logs and API bodies.
#include <string>

namespace ts {

struct Error {
    int code = 0;
    std::string message;
};

}  // namespace ts
