#include "core/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <mutex>

namespace ts::log {

namespace {
std::mutex g_mutex;
spdlog::level::level_enum g_level = spdlog::level::info;
bool g_json = false;

void apply_pattern(spdlog::logger& l) {
    if (g_json)
        l.set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","module":"%n","msg":"%v"})");
    else
        l.set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %n: %v");
}
}  // namespace

std::shared_ptr<spdlog::logger> get(const std::string& module) {
    std::lock_guard lock(g_mutex);
    if (auto l = spdlog::get(module)) return l;
    auto l = spdlog::stderr_color_mt(module);
    l->set_level(g_level);
    apply_pattern(*l);
    return l;
}

void set_level(const std::string& level) {
    std::lock_guard lock(g_mutex);
    g_level = spdlog::level::from_str(level);
    spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->set_level(g_level); });
}

void set_json(bool json) {
    std::lock_guard lock(g_mutex);
    g_json = json;
    spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { apply_pattern(*l); });
}

}  // namespace ts::log
