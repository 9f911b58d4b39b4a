// `thingstead bench SCENARIO [options]`: the command line of the load
// generator. Parsing and validation only; the scenarios live beside it.
#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>
#include <memory>

#include "app/bench/bench_api.hpp"
#include "app/bench/bench_command.hpp"
#include "app/bench/scenarios.hpp"

namespace ts::app::bench {

void register_bench_command(CLI::App& app, cli::Dispatcher& dispatcher) {
    // Shared with the action, which runs after parsing.
    auto o = std::make_shared<BenchOptions>();
    auto* cmd = app.add_subcommand(
        "bench", "MQTT load generator: fan-in, fan-out, p2p, props, connect and idle scenarios");
    cmd->add_option("scenario", o->scenario, "fan-in, fan-out, p2p, props, connect or idle")
        ->required()
        ->check(CLI::IsMember({"fan-in", "fan-out", "p2p", "props", "connect", "idle"}));
    cmd->add_option("--host", o->host, "Broker host (default 127.0.0.1)");
    cmd->add_option("--port", o->port, "Broker MQTT port (default 1883)")
        ->check(CLI::Range(1, 65535));
    cmd->add_option("--threads", o->threads, "Generator threads, one event loop each (default 2)")
        ->check(CLI::Range(1, 256));
    cmd->add_option("--source-addresses", o->source_addresses,
                    "Spread clients over 127.0.0.1..127.0.0.N (default 1: no bind)")
        ->check(CLI::Range(1, 254));
    cmd->add_option("--publishers", o->publishers, "fan-in: publishers (default 100)")
        ->check(CLI::Range(1, 1000000));
    cmd->add_option("--subscribers", o->subscribers,
                    "fan-in: consumers (shared subscription when > 1); fan-out: subscribers "
                    "(default 1)")
        ->check(CLI::Range(1, 1000000));
    cmd->add_option("--pairs", o->pairs, "p2p: device/backend pairs (default 100)")
        ->check(CLI::Range(1, 1000000));
    cmd->add_option("--devices", o->devices, "props: signed-in devices (default 100)")
        ->check(CLI::Range(1, 1000000));
    cmd->add_option("--values", o->values, "props: property values per post (default 1)")
        ->check(CLI::Range(1, 200));
    cmd->add_option("--product", o->product,
                    "connect/idle/props: sign in as new devices of this product, registered "
                    "through the API (props without it: a new product with a bench thing model)");
    cmd->add_option("--devices-csv", o->devices_csv,
                    "connect/idle/props: sign in as the devices in this CSV "
                    "(productKey,deviceName,deviceSecret, as `device batch --csv` writes)");
    cmd->add_option("--server", o->server,
                    "Platform API for --product and props (default $THINGSTEAD_SERVER, then "
                    "http://127.0.0.1:8080)");
    cmd->add_option("--token", o->token, "API token (default $THINGSTEAD_TOKEN)");
    cmd->add_option("--rate", o->rate,
                    "Messages/s per publisher (p2p: requests/s per pair; props: posts/s per "
                    "device); 0 = flat out (default 0)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--qos", o->qos, "0 (default) or 1")->check(CLI::Range(0, 1));
    auto* inflight =
        cmd->add_option("--inflight", o->inflight,
                        "QoS 1: unacknowledged messages per publisher (default 64); p2p flat "
                        "out: outstanding requests per pair (default 1); props flat out: "
                        "outstanding posts per device (default 1)")
            ->check(CLI::Range(1, 65535));
    cmd->add_option("--payload-size", o->payload_size, "Payload bytes (default 64, minimum 20)")
        ->check(CLI::Range(20, 16 * 1024 * 1024));
    cmd->add_option("--queue-bytes", o->queue_bytes,
                    "Bytes a publisher may queue before waiting for the socket (default 65536)")
        ->check(CLI::Range(256, 64 * 1024 * 1024));
    cmd->add_option("--clients", o->clients, "connect/idle: connections (default 1000)")
        ->check(CLI::Range(1, 10000000));
    cmd->add_option("--concurrency", o->concurrency,
                    "connect/idle: attempts outstanding at once (default 100)")
        ->check(CLI::Range(1, 100000));
    cmd->add_option("--keepalive", o->keep_alive_s, "Keep-alive in seconds (default 60)");
    cmd->add_option("--duration", o->duration_s,
                    "Measured seconds (default 10); connect: the time limit; idle: the hold")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--warmup", o->warmup_s, "Seconds before measuring (default 2)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--broker-pid", o->broker_pid,
                    "Broker process to sample CPU time and RSS from (/proc)");
    cmd->add_flag("--json", o->json, "One JSON object instead of the table");

    dispatcher.on(cmd, [o, inflight]() -> int {
        o->inflight_given = inflight->count() > 0;
        // A broker closing a connection mid-write must not kill the generator.
        std::signal(SIGPIPE, SIG_IGN);
        if (o->scenario == "fan-in") return run_fan_in(*o);
        if (o->scenario == "fan-out") return run_fan_out(*o);
        if (o->scenario == "p2p") return run_p2p(*o);
        if (o->scenario == "props") return run_props(*o);
        if (signs_in_as_devices(*o)) {
            if (auto signed_in = sign_in_as_devices(*o, o->clients); !signed_in) {
                std::cerr << "thingstead: bench " << o->scenario << ": " << signed_in.error()
                          << "\n";
                return 1;
            }
        }
        return run_connect(*o, o->scenario == "idle");
    });
}

}  // namespace ts::app::bench
