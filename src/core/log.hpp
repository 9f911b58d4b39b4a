#pragma once
// Structured logging: one spdlog logger per module, key=value fields in the
// message. The level is set once from config.
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace ts::log {

// Returns the logger for a module ("broker", "net", ...), created on first use.
std::shared_ptr<spdlog::logger> get(const std::string& module);
void set_level(const std::string& level);  // trace, debug, info, warn, error, off
void set_json(bool json);

}  // namespace ts::log
