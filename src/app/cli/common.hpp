#pragma once
// What every client subcommand shares: where the platform is, which token to
// send, how to print, and how a parsed command line reaches its action.
//
// Each leaf subcommand gets its own copy of the shared options, so they may
// follow the subcommand as users type them (`thingstead product list --json`).
#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ts::app::cli {

inline constexpr const char* kDefaultServer = "http://127.0.0.1:8080";
inline constexpr const char* kDefaultMqtt = "127.0.0.1:1883";

struct CommonOptions {
    std::string server;  // empty: $THINGSTEAD_SERVER, then kDefaultServer
    std::string token;   // empty: $THINGSTEAD_TOKEN
    bool json = false;
};

// --server, --token, --json on `cmd`.
void add_common_options(CLI::App* cmd, CommonOptions& opts);

// `given` with empty fields filled from the environment and the defaults.
// Flags win over the environment, which wins over the defaults.
CommonOptions resolve(const CommonOptions& given);

// $name when set and non-empty, else `fallback`.
std::string env_or(const char* name, std::string fallback);

// Remembers which action belongs to which leaf subcommand; after parsing,
// runs the one the user chose. Validation that CLI11 cannot express runs in
// the leaf's parse callback (throwing CLI::ValidationError), so every usage
// error leaves through the same exit path with status 2.
class Dispatcher {
public:
    void on(CLI::App* leaf, std::function<int()> action);
    // The chosen leaf's exit code; nullopt when no registered leaf was parsed.
    std::optional<int> run() const;

private:
    std::vector<std::pair<CLI::App*, std::function<int()>>> actions_;
};

// Exit path for CLI11 parse errors: help and version print and exit 0,
// every usage error prints "thingstead: <problem>" and exits 2.
int exit_for_parse_error(CLI::App& app, const CLI::ParseError& e);

// Sets the message format used by exit_for_parse_error on `app`.
void set_usage_error_format(CLI::App& app);

// Exit codes shared by all client commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the platform refused or could not be reached
inline constexpr int kExitUsage = 2;

// The registrations main.cpp calls; each adds one top-level subcommand.
void register_product_commands(CLI::App& app, Dispatcher& dispatcher);
void register_device_commands(CLI::App& app, Dispatcher& dispatcher);
void register_topic_class_commands(CLI::App& app, Dispatcher& dispatcher);
void register_pubsub_commands(CLI::App& app, Dispatcher& dispatcher);
void register_rule_commands(CLI::App& app, Dispatcher& dispatcher);
// Below `product`: `product thing-model get|set`.
void register_thing_model_commands(CLI::App& product, Dispatcher& dispatcher);
// Below `device`: props, history, events, set, invoke, shadow.
void register_device_data_commands(CLI::App& device, Dispatcher& dispatcher);

// All of the above.
void register_client_commands(CLI::App& app, Dispatcher& dispatcher);

}  // namespace ts::app::cli
