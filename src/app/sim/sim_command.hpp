#pragma once
// Registration of `thingstead sim` (simulated devices driven by a product's
// thing model) for main.cpp.
#include <CLI/CLI.hpp>

#include "app/cli/common.hpp"

namespace ts::app::sim {

void register_sim_command(CLI::App& app, cli::Dispatcher& dispatcher);

}  // namespace ts::app::sim
