#include "app/cli/common.hpp"

#include <cstdlib>
#include <iostream>

namespace ts::app::cli {

void add_common_options(CLI::App* cmd, CommonOptions& opts) {
    // The environment is read in resolve(), not through CLI11's envname, so
    // an empty --token can be told apart from "not given" by one rule for
    // every command (pub/sub treat the token as an identity choice).
    cmd->add_option("--server", opts.server,
                    "Platform URL (env THINGSTEAD_SERVER, default http://127.0.0.1:8080)");
    cmd->add_option("--token", opts.token, "API token (env THINGSTEAD_TOKEN)");
    cmd->add_flag("--json", opts.json, "Print the API's JSON instead of text");
}

std::string env_or(const char* name, std::string fallback) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return fallback;
    return v;
}

CommonOptions resolve(const CommonOptions& given) {
    CommonOptions out = given;
    if (out.server.empty()) out.server = env_or("THINGSTEAD_SERVER", kDefaultServer);
    if (out.token.empty()) out.token = env_or("THINGSTEAD_TOKEN", "");
    return out;
}

void Dispatcher::on(CLI::App* leaf, std::function<int()> action) {
    actions_.emplace_back(leaf, std::move(action));
}

std::optional<int> Dispatcher::run() const {
    for (const auto& [leaf, action] : actions_)
        if (leaf->parsed()) return action();
    return std::nullopt;
}

void set_usage_error_format(CLI::App& app) {
    app.failure_message([](const CLI::App*, const CLI::Error& e) {
        return std::string("thingstead: ") + e.what() + "\nRun with --help for more information.\n";
    });
}

int exit_for_parse_error(CLI::App& app, const CLI::ParseError& e) {
    // app.exit() prints help (stdout) or the failure message (stderr) and
    // returns CLI11's own code, which is 0 for help/version. CLI11 numbers
    // its errors 100+; scripts expect the conventional 2 for bad usage.
    const int rc = app.exit(e, std::cout, std::cerr);
    return rc == 0 ? kExitOk : kExitUsage;
}

void register_client_commands(CLI::App& app, Dispatcher& dispatcher) {
    register_product_commands(app, dispatcher);
    register_device_commands(app, dispatcher);
    register_topic_class_commands(app, dispatcher);
    register_pubsub_commands(app, dispatcher);
    register_rule_commands(app, dispatcher);
}

}  // namespace ts::app::cli
