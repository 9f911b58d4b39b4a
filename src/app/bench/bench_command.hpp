#pragma once
// Registration of `thingstead bench` for main.cpp.
#include <CLI/CLI.hpp>

#include "app/cli/common.hpp"

namespace ts::app::bench {

void register_bench_command(CLI::App& app, cli::Dispatcher& dispatcher);

}  // namespace ts::app::bench
