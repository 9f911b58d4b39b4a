// `thingstead sim --product PK`: sets up the fleet over the REST API, runs
// one thread per device, prints the totals once a second and stops on
// --duration-s, SIGINT or SIGTERM, disconnecting every device first.
#include "app/sim/sim_command.hpp"

#include <csignal>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <system_error>
#include <thread>
#include <vector>

#include "app/cli/http_client.hpp"
#include "app/sim/device_loop.hpp"
#include "app/sim/fleet_setup.hpp"
#include "app/sim/stats.hpp"

namespace ts::app::sim {
namespace {

using Clock = std::chrono::steady_clock;

inline constexpr std::size_t kMaxDevices = 500;

struct SimOptions {
    cli::CommonOptions common;  // --server, --token, --json
    std::string product;
    std::size_t devices = 5;
    std::string prefix = "sim_";
    std::int64_t interval_ms = 1000;
    double duration_s = 0;
    std::string host = "127.0.0.1";
    std::uint16_t port = 1883;
    std::optional<std::uint64_t> seed;
};

// Set by SIGINT/SIGTERM and at the end of --duration-s; every device thread
// polls it.
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "used in a signal handler");

extern "C" void on_stop_signal(int) {
    g_stop.store(true, std::memory_order_relaxed);
}

bool all_failed(const std::vector<FirstConnect>& first) {
    for (const auto& f : first)
        if (f.state() != FirstConnect::Failed) return false;
    return true;
}

bool any_online(const std::vector<FirstConnect>& first) {
    for (const auto& f : first)
        if (f.state() == FirstConnect::Online) return true;
    return false;
}

int run_sim(const SimOptions& o) {
    const cli::CommonOptions common = cli::resolve(o.common);
    auto url = cli::parse_server_url(common.server);
    if (!url) {
        std::cerr << "thingstead: --server " << common.server << ": " << url.error() << "\n";
        return cli::kExitUsage;
    }
    cli::HttpClient http(std::move(*url), common.token);
    auto model = fetch_thing_model(http, common.server, o.product);
    if (!model) {
        std::cerr << "thingstead: " << model.error() << "\n";
        return cli::kExitFailure;
    }
    const auto& m = **model;
    if (m.properties.empty() && m.events.empty() && m.services.empty())
        std::cerr << "thingstead sim: the thing model of " << o.product
                  << " is empty; the devices will only stay online\n";
    auto fleet = ensure_fleet(http, common.server, o.product, o.prefix, o.devices);
    if (!fleet) {
        std::cerr << "thingstead: " << fleet.error() << "\n";
        return cli::kExitFailure;
    }

    const std::uint64_t seed = o.seed ? *o.seed : std::random_device{}();
    std::vector<DeviceConfig> configs;
    for (std::size_t i = 0; i < fleet->devices.size(); ++i) {
        DeviceConfig c;
        c.product_key = o.product;
        c.device_name = fleet->devices[i].name;
        c.device_secret = fleet->devices[i].secret;
        c.host = o.host;
        c.port = std::to_string(o.port);
        c.interval = std::chrono::milliseconds(o.interval_ms);
        c.seed = seed + i;
        c.model = *model;
        configs.push_back(std::move(c));
    }
    if (!o.common.json) {
        std::cout << "simulating " << configs.size() << " devices of " << o.product << " ("
                  << fleet->registered << " registered now) on " << o.host << ":" << o.port
                  << ", posting every " << o.interval_ms << " ms; Ctrl-C stops" << std::endl;
    }

    std::signal(SIGPIPE, SIG_IGN);
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);

    Counters counters;
    std::vector<FirstConnect> first(configs.size());
    std::vector<std::thread> threads;
    auto stop_all = [&] {
        g_stop.store(true, std::memory_order_relaxed);
        for (auto& t : threads) t.join();
        threads.clear();
    };
    try {
        for (std::size_t i = 0; i < configs.size(); ++i)
            threads.emplace_back(run_device, std::cref(configs[i]), std::ref(counters),
                                 std::ref(first[i]), std::cref(g_stop));
    } catch (const std::system_error& e) {
        stop_all();
        std::cerr << "thingstead: cannot start device thread " << threads.size() + 1 << ": "
                  << e.what() << "\n";
        return cli::kExitFailure;
    }

    const auto start = Clock::now();
    const auto end = o.duration_s > 0 ? start + std::chrono::duration_cast<Clock::duration>(
                                                    std::chrono::duration<double>(o.duration_s))
                                      : Clock::time_point::max();
    auto next_print = start + std::chrono::seconds(1);
    bool settled = false;  // some device has signed in: stop watching the first attempts
    auto print = [&](Clock::time_point now) {
        const double elapsed = std::chrono::duration<double>(now - start).count();
        std::cout << format_snapshot(snapshot(counters, configs.size(), elapsed), o.common.json)
                  << std::endl;
    };
    while (!g_stop.load(std::memory_order_relaxed)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        const auto now = Clock::now();
        if (!settled) {
            if (any_online(first)) {
                settled = true;
            } else if (all_failed(first)) {
                stop_all();
                std::cerr << "thingstead: no device could connect to " << o.host << ":" << o.port
                          << ": " << first.front().error() << "\n";
                return cli::kExitFailure;
            }
        }
        if (now >= end) break;
        if (now >= next_print) {
            print(now);
            next_print += std::chrono::seconds(1);
        }
    }
    stop_all();
    print(Clock::now());
    return cli::kExitOk;
}

}  // namespace

void register_sim_command(CLI::App& app, cli::Dispatcher& dispatcher) {
    auto o = std::make_shared<SimOptions>();
    auto* cmd = app.add_subcommand(
        "sim", "Simulated devices driven by a product's thing model (demos, soak tests)");
    cmd->add_option("--product", o->product, "Product key")->required();
    cmd->add_option("--devices", o->devices,
                    "Devices {prefix}0001..N, registered when missing; one thread each "
                    "(default 5, at most 500)")
        ->check(CLI::Range(std::size_t{1}, kMaxDevices));
    cmd->add_option("--prefix", o->prefix, "Device name prefix (default sim_)")
        ->check([](const std::string& s) {
            return s.empty() ? std::string("must not be empty") : std::string();
        });
    cmd->add_option("--interval-ms", o->interval_ms,
                    "Milliseconds between a device's property posts, +-20% (default 1000)")
        ->check(CLI::Range(std::int64_t{10}, std::int64_t{86'400'000}));
    cmd->add_option("--duration-s", o->duration_s,
                    "Seconds to run; 0 (default) runs until Ctrl-C or SIGTERM")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--host", o->host, "Broker host (default 127.0.0.1)");
    cmd->add_option("--port", o->port, "Broker MQTT port (default 1883)")
        ->check(CLI::Range(1, 65535));
    cmd->add_option("--seed", o->seed, "Random seed, for repeatable values (default: random)");
    cli::add_common_options(cmd, o->common);
    cmd->get_option("--json")->description("Print the totals as one JSON object per line");
    dispatcher.on(cmd, [o] { return run_sim(*o); });
}

}  // namespace ts::app::sim
