// thingstead: one binary, several subcommands. `serve` runs the platform;
// the others (cli/) are clients of a running platform.
#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>
#include <optional>
#include <string>

#include "app/bench/bench_command.hpp"
#include "app/cli/common.hpp"
#include "app/serve.hpp"
#include "app/sim/sim_command.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Thingstead: a self-hosted IoT platform"};
    app.require_subcommand(1);

    ts::app::ServeConfig cfg;
    std::string config_file;
    auto* serve = app.add_subcommand("serve", "Run the platform (MQTT broker, storage, API)");
    serve->add_option("--config", config_file, "TOML configuration file")->check(CLI::ExistingFile);
    // Flags are applied after the file, so they are read into optionals first.
    std::optional<std::string> data_dir, log_level, tls_cert, tls_key, bind, console_dir;
    std::optional<std::uint16_t> mqtt_port, tls_port, ws_port, http_port;
    std::optional<std::size_t> threads;
    bool allow_anonymous = false;
    serve->add_option("--data-dir", data_dir, "Data directory (default ./thingstead-data)");
    serve->add_option("--bind", bind, "Address the listeners bind to (default 0.0.0.0)");
    serve->add_option("--mqtt-port", mqtt_port, "MQTT/TCP port (default 1883; 0 turns it off)");
    serve->add_option("--tls-port", tls_port, "MQTT/TLS port (default 8883; 0 turns it off)");
    serve->add_option("--ws-port", ws_port, "MQTT/WebSocket port (default 8083; 0 turns it off)");
    serve->add_option("--http-port", http_port, "HTTP API port (default 8080; 0 turns it off)");
    serve->add_option("--console-dir", console_dir,
                      "Directory of the built web console (default: this build's)");
    serve->add_option("--threads", threads, "Event-loop threads (default: one per core)");
    serve->add_option("--tls-cert", tls_cert, "PEM certificate chain for the TLS listener");
    serve->add_option("--tls-key", tls_key, "PEM private key for the TLS listener");
    serve->add_option("--log-level", log_level, "trace, debug, info, warn, error");
    serve->add_flag("--allow-anonymous", allow_anonymous,
                    "Accept MQTT clients without credentials");

    ts::app::cli::Dispatcher commands;
    ts::app::cli::register_client_commands(app, commands);
    ts::app::bench::register_bench_command(app, commands);
    ts::app::sim::register_sim_command(app, commands);
    ts::app::cli::set_usage_error_format(app);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return ts::app::cli::exit_for_parse_error(app, e);
    }
    if (auto rc = commands.run()) return *rc;

    if (*serve) {
        if (!config_file.empty()) {
            if (auto r = ts::app::load_toml(config_file, cfg); !r) {
                std::cerr << "thingstead: " << r.error().message << "\n";
                return 2;
            }
        }
        if (data_dir) cfg.data_dir = *data_dir;
        if (bind) cfg.bind = *bind;
        if (mqtt_port) cfg.mqtt_port = *mqtt_port;
        if (tls_port) cfg.tls_port = *tls_port;
        if (ws_port) cfg.ws_port = *ws_port;
        if (http_port) cfg.http_port = *http_port;
        if (threads) cfg.threads = *threads;
        if (tls_cert) cfg.tls_cert = *tls_cert;
        if (tls_key) cfg.tls_key = *tls_key;
        if (log_level) cfg.log_level = *log_level;
        if (console_dir) cfg.console_dir = *console_dir;
        if (allow_anonymous) cfg.broker.allow_anonymous = true;
        std::signal(SIGPIPE, SIG_IGN);
        return ts::app::serve(cfg);
    }
    return 0;
}
