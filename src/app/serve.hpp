#pragma once
#include "app/serve_config.hpp"

namespace ts::app {

// Runs the platform until SIGTERM or SIGINT; returns the process exit code.
int serve(const ServeConfig& cfg);

}  // namespace ts::app
