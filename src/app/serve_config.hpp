#pragma once
// Everything `thingstead serve` is configured with: defaults, overridden by
// a TOML file, overridden by flags.
#include <cstdint>
#include <string>

#include "broker/config.hpp"
#include "core/error.hpp"
#include "core/expected.hpp"

namespace ts::app {

struct ServeConfig {
    std::string data_dir = "./thingstead-data";
    std::size_t threads = 0;  // 0: one per core
    std::string log_level = "info";
    bool log_json = false;
    // After SIGTERM/SIGINT, how long writes still failing (a full or broken
    // disk) are retried before they are given up, logged and the process
    // exits non-zero.
    std::uint32_t shutdown_drain_s = 10;
    std::string bind = "0.0.0.0";
    std::uint16_t mqtt_port = 1883;
    std::uint16_t tls_port = 8883;
    std::uint16_t ws_port = 8083;
    std::uint16_t http_port = 8080;
    std::string ws_path = "/mqtt";
    std::string tls_cert;
    std::string tls_key;
    bool persistence = true;
    // Sync service calls hold an API thread while the device answers (up to
    // 8 s), so there are a few.
    std::size_t http_threads = 4;
    // Open API connections at once; more are answered 503 and closed.
    std::size_t http_max_connections = 1024;
    // The API's address as devices reach it (remote config download URLs),
    // e.g. "https://iot.example.com"; empty: http://{the address the device's
    // connection reached}:{http_port}, without the port when it is 80.
    std::string http_public_url;
    // The web console's built files; empty: where this build put them
    // (default_console_dir()).
    std::string console_dir;
    // Failed sign-ins of one identity from one address within the window
    // block that pair for block_s; failures of any identity from one address
    // (IPv6: one /64) block the whole address at address_fail_limit.
    std::uint32_t auth_fail_limit = 10;           // 0 turns throttling off
    std::uint32_t auth_address_fail_limit = 100;  // 0: no per-address block
    std::uint32_t auth_fail_window_s = 60;
    std::uint32_t auth_block_s = 60;  // 0 turns throttling off
    // Signed CONNECT timestamps further than this from the clock are refused;
    // 0: not checked (Alibaba's C SDKs sign a constant timestamp).
    std::uint32_t auth_max_clock_skew_s = 0;
    broker::BrokerConfig broker;
};

// The console files this build produced (CMake's `console` target), used
// when no console_dir is configured.
std::string default_console_dir();

// Reads a TOML file over `cfg`. Unknown keys and wrong types are errors that
// name the key, so a typo does not silently fall back to a default.
Expected<void, Error> load_toml(const std::string& path, ServeConfig& cfg);

}  // namespace ts::app
