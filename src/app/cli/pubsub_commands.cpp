// `thingstead pub` and `thingstead sub`: talk MQTT to the platform as a
// device, as an application (the API token) or anonymously.
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "app/cli/common.hpp"
#include "app/cli/mqtt_client.hpp"
#include "app/cli/pubsub.hpp"
#include "core/base64.hpp"
#include "mqtt/codec.hpp"
#include "registry/signing.hpp"

namespace ts::app::cli {

namespace {
using Clock = std::chrono::steady_clock;

bool is_digits(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct MqttCliOptions {
    std::string address;  // empty: $THINGSTEAD_MQTT, then kDefaultMqtt
    bool tls = false;
    std::string ca_file;
    std::string version = "3.1.1";
    std::string product, device, secret, token;
    std::string client_id;
    std::uint16_t keep_alive = 60;
    int qos = 0;
    bool json = false;
    std::string topic;
    // pub
    std::optional<std::string> message, file;
    bool retain = false;
    // sub
    std::optional<std::size_t> count;
    std::optional<double> timeout_s;
};

void add_mqtt_options(CLI::App* cmd, MqttCliOptions& o) {
    cmd->add_option("--mqtt", o.address,
                    "Broker HOST:PORT (env THINGSTEAD_MQTT, default 127.0.0.1:1883)");
    cmd->add_flag("--tls", o.tls, "Use TLS (default port 8883)");
    cmd->add_option("--cafile", o.ca_file, "PEM CA certificates for --tls (default: system's)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--mqtt-version", o.version, "3.1.1 (default) or 5")
        ->check(CLI::IsMember({"3.1.1", "5"}));
    cmd->add_option("--product", o.product, "Device identity: product key");
    cmd->add_option("--device", o.device, "Device identity: device name");
    cmd->add_option("--secret", o.secret, "Device identity: device secret");
    cmd->add_option("--token", o.token,
                    "Application identity: the API token (env THINGSTEAD_TOKEN)");
    cmd->add_option("--client-id", o.client_id,
                    "Client identifier for applications and anonymous clients");
    cmd->add_option("--keepalive", o.keep_alive, "Keep-alive in seconds (default 60)");
    cmd->add_option("--qos", o.qos, "0 (default) or 1")->check(CLI::Range(0, 1));
    cmd->add_option("--topic", o.topic, "Topic (a filter for sub)")->required();
}

// Identity problems are usage errors, found right after parsing (the
// environment's token cannot conflict, so it is left out here).
void check_identity(const MqttCliOptions& o) {
    auto who = choose_identity(o.product, o.device, o.secret, o.token, "");
    if (!who) throw CLI::ValidationError("identity", who.error());
}

// Connects as the chosen identity; prints the problem and returns the exit
// code when that fails.
Expected<std::unique_ptr<MqttClient>, int> connect_client(const MqttCliOptions& o) {
    auto who =
        choose_identity(o.product, o.device, o.secret, o.token, env_or("THINGSTEAD_TOKEN", ""));
    if (!who) {
        std::cerr << "thingstead: " << who.error() << "\n";
        return unexpected(kExitUsage);
    }
    const std::string address =
        o.address.empty() ? env_or("THINGSTEAD_MQTT", kDefaultMqtt) : o.address;
    auto hp = parse_host_port(address, o.tls ? "8883" : "1883");
    if (!hp) {
        std::cerr << "thingstead: --mqtt " << address << ": " << hp.error() << "\n";
        return unexpected(kExitUsage);
    }
    MqttConnectOptions c;
    c.host = hp->first;
    c.port = hp->second;
    c.tls = o.tls;
    c.ca_file = o.ca_file;
    c.version = o.version == "5" ? mqtt::ProtocolVersion::v5 : mqtt::ProtocolVersion::v311;
    c.keep_alive_s = o.keep_alive;
    const std::string unique = std::to_string(::getpid()) + "-" + std::to_string(now_ms() % 100000);
    apply_identity(*who, now_ms(), unique, c);
    if (!o.client_id.empty() && who->kind != Identity::Kind::Device) c.client_id = o.client_id;

    auto client = std::make_unique<MqttClient>();
    if (auto r = client->connect(c); !r) {
        std::cerr << "thingstead: " << r.error().message << "\n";
        return unexpected(kExitFailure);
    }
    return client;
}

Expected<std::string, std::string> read_payload(const MqttCliOptions& o) {
    if (o.message) return *o.message;
    const std::string& path = *o.file;
    std::ostringstream data;
    if (path == "-") {
        data << std::cin.rdbuf();
        return data.str();
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return unexpected("cannot read " + path);
    data << in.rdbuf();
    return data.str();
}

int run_pub(const MqttCliOptions& o) {
    auto payload = read_payload(o);
    if (!payload) {
        std::cerr << "thingstead: " << payload.error() << "\n";
        return kExitFailure;
    }
    auto client = connect_client(o);
    if (!client) return client.error();
    auto sent = (*client)->publish(o.topic, *payload, static_cast<mqtt::QoS>(o.qos), o.retain);
    if (!sent) {
        std::cerr << "thingstead: " << sent.error().message << "\n";
        return kExitFailure;
    }
    (*client)->disconnect();
    return kExitOk;
}

int run_sub(const MqttCliOptions& o) {
    auto client = connect_client(o);
    if (!client) return client.error();
    auto granted = (*client)->subscribe(o.topic, static_cast<mqtt::QoS>(o.qos));
    if (!granted) {
        std::cerr << "thingstead: " << granted.error().message << "\n";
        return kExitFailure;
    }
    const auto deadline = o.timeout_s
                              ? Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                   std::chrono::duration<double>(*o.timeout_s))
                              : Clock::time_point::max();
    std::size_t received = 0;
    while (!o.count || received < *o.count) {
        auto msg = (*client)->receive(deadline);
        if (!msg) {
            std::cerr << "thingstead: " << msg.error().message << "\n";
            return kExitFailure;
        }
        if (!*msg) {
            // Reaching --timeout ends a plain listen successfully; it is a
            // failure only when --count messages were expected.
            if (!o.count) break;
            std::cerr << "thingstead: timed out after " << *o.timeout_s << " s with " << received
                      << " of " << *o.count << " messages\n";
            return kExitFailure;
        }
        ++received;
        // Flushed per message: sub usually feeds a pipe.
        std::cout << format_message(**msg, o.json) << std::endl;
    }
    (*client)->disconnect();
    return kExitOk;
}

}  // namespace

Expected<std::pair<std::string, std::string>, std::string> parse_host_port(
    std::string_view address, std::string_view default_port) {
    std::string host;
    std::string_view port;
    if (address.starts_with('[')) {
        const auto close = address.find(']');
        if (close == std::string_view::npos) return unexpected(std::string("unclosed '['"));
        host = std::string(address.substr(1, close - 1));
        auto rest = address.substr(close + 1);
        if (!rest.empty()) {
            if (!rest.starts_with(':')) return unexpected(std::string("junk after the host"));
            port = rest.substr(1);
            if (port.empty()) return unexpected(std::string("empty port"));
        }
    } else {
        const auto colon = address.find(':');
        if (colon != address.rfind(':'))
            return unexpected(std::string("write IPv6 addresses as [addr]:port"));
        host = std::string(address.substr(0, colon));
        if (colon != std::string_view::npos) {
            port = address.substr(colon + 1);
            if (port.empty()) return unexpected(std::string("empty port"));
        }
    }
    if (host.empty()) return unexpected(std::string("no host"));
    if (port.empty()) port = default_port;
    if (!is_digits(port) || port.size() > 5 || std::stoul(std::string(port)) == 0 ||
        std::stoul(std::string(port)) > 65535)
        return unexpected("invalid port \"" + std::string(port) + "\"");
    return std::make_pair(std::move(host), std::string(port));
}

Expected<Identity, std::string> choose_identity(const std::string& product,
                                                const std::string& device,
                                                const std::string& secret,
                                                const std::string& token_flag,
                                                const std::string& env_token) {
    Identity who;
    const bool any_device = !product.empty() || !device.empty() || !secret.empty();
    if (any_device) {
        std::string missing;
        for (auto [flag, value] : {std::pair{"--product", &product}, std::pair{"--device", &device},
                                   std::pair{"--secret", &secret}})
            if (value->empty()) missing += (missing.empty() ? "" : ", ") + std::string(flag);
        if (!missing.empty())
            return unexpected("a device identity needs --product, --device and --secret; missing " +
                              missing);
        if (!token_flag.empty())
            return unexpected(std::string(
                "give either a device (--product/--device/--secret) or --token, not both"));
        who.kind = Identity::Kind::Device;
        who.product_key = product;
        who.device_name = device;
        who.device_secret = secret;
        return who;
    }
    const std::string& token = token_flag.empty() ? env_token : token_flag;
    if (!token.empty()) {
        who.kind = Identity::Kind::Application;
        who.token = token;
    }
    return who;
}

void apply_identity(const Identity& who, std::int64_t timestamp_ms, std::string_view unique,
                    MqttConnectOptions& options) {
    switch (who.kind) {
        case Identity::Kind::Device: {
            const std::string securemode = options.tls ? "2" : "3";
            options.client_id =
                who.product_key + "." + who.device_name + "|securemode=" + securemode +
                ",signmethod=hmacsha256,timestamp=" + std::to_string(timestamp_ms) + "|";
            registry::SignedClientId id;
            id.client_id = who.product_key + "." + who.device_name;
            id.params = {{"securemode", securemode},
                         {"signmethod", "hmacsha256"},
                         {"timestamp", std::to_string(timestamp_ms)}};
            const registry::DeviceUsername user{who.device_name, who.product_key};
            options.username = who.device_name + "&" + who.product_key;
            options.password =
                registry::sign("hmacsha256", who.device_secret, registry::signing_content(id, user))
                    .value_or("");
            break;
        }
        case Identity::Kind::Application:
            options.client_id = "app-cli-" + std::string(unique);
            options.username = "app";
            options.password = who.token;
            break;
        case Identity::Kind::Anonymous:
            options.client_id = "cli-" + std::string(unique);
            options.username.reset();
            options.password.reset();
            break;
    }
}

std::string format_message(const mqtt::Publish& p, bool json) {
    const auto payload = p.payload.view();
    if (!json) return p.topic + " " + std::string(payload);
    nlohmann::json j = {{"topic", p.topic}, {"qos", static_cast<int>(p.qos)}, {"retain", p.retain}};
    if (mqtt::is_valid_utf8(payload)) {
        j["payload"] = std::string(payload);
    } else {
        j["payload"] = ts::base64_encode(payload);
        j["payloadEncoding"] = "base64";
    }
    return j.dump();
}

void register_pubsub_commands(CLI::App& app, Dispatcher& dispatcher) {
    {
        auto o = std::make_shared<MqttCliOptions>();
        auto* cmd = app.add_subcommand("pub", "Publish one MQTT message");
        add_mqtt_options(cmd, *o);
        auto* message = cmd->add_option("--message,-m", o->message, "Payload text");
        auto* file = cmd->add_option("--file,-f", o->file, "Payload from a file ('-': stdin)");
        message->excludes(file);
        cmd->add_flag("--retain", o->retain, "Ask the broker to retain the message");
        cmd->callback([o, message, file] {
            check_identity(*o);
            if (message->count() == 0 && file->count() == 0)
                throw CLI::ValidationError("pub", "give the payload with --message or --file");
        });
        dispatcher.on(cmd, [o] { return run_pub(*o); });
    }
    {
        auto o = std::make_shared<MqttCliOptions>();
        auto* cmd = app.add_subcommand("sub", "Subscribe and print messages as they arrive");
        add_mqtt_options(cmd, *o);
        cmd->add_flag("--json", o->json, "One JSON object per message");
        cmd->add_option("--count,-C", o->count, "Exit after this many messages")
            ->check(CLI::PositiveNumber);
        cmd->add_option("--timeout,-W", o->timeout_s, "Exit after this many seconds")
            ->check(CLI::PositiveNumber);
        cmd->callback([o] { check_identity(*o); });
        dispatcher.on(cmd, [o] { return run_sub(*o); });
    }
}

}  // namespace ts::app::cli
