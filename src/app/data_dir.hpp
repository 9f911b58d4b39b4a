#pragma once
// The data directory holds the master key, the admin token and the database:
// it is created 0700, and an existing one that allows more is tightened.
#include <string>

#include "core/expected.hpp"

namespace ts::app {

// Creates `dir` (and parents) if missing and sets it to mode 0700, logging
// when an existing directory was tightened. An error says why it could not.
Expected<void, std::string> prepare_data_dir(const std::string& dir);

}  // namespace ts::app
