#include "app/serve_config.hpp"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <functional>
#include <map>

namespace ts::app {

namespace {

using Setter = std::function<bool(const toml::node&)>;

template <typename T>
Setter integer(T& field) {
    return [&field](const toml::node& n) {
        auto v = n.value<std::int64_t>();
        if (!v || *v < 0 || static_cast<std::uint64_t>(*v) > std::numeric_limits<T>::max())
            return false;
        field = static_cast<T>(*v);
        return true;
    };
}
// An integer of at least 1 (a limit of 0 would refuse everything).
template <typename T>
Setter positive(T& field) {
    return [&field](const toml::node& n) {
        auto v = n.value<std::int64_t>();
        if (!v || *v < 1) return false;
        return integer(field)(n);
    };
}
Setter text(std::string& field) {
    return [&field](const toml::node& n) {
        auto v = n.value<std::string>();
        if (!v) return false;
        field = *v;
        return true;
    };
}
Setter boolean(bool& field) {
    return [&field](const toml::node& n) {
        auto v = n.value<bool>();
        if (!v) return false;
        field = *v;
        return true;
    };
}

std::map<std::string, Setter> setters(ServeConfig& c) {
    auto& b = c.broker;
    return {
        {"server.data_dir", text(c.data_dir)},
        {"server.threads", integer(c.threads)},
        {"server.log_level", text(c.log_level)},
        {"server.log_json", boolean(c.log_json)},
        {"server.shutdown_drain_s", integer(c.shutdown_drain_s)},
        {"mqtt.bind", text(c.bind)},
        {"mqtt.port", integer(c.mqtt_port)},
        {"mqtt.tls_port", integer(c.tls_port)},
        {"mqtt.ws_port", integer(c.ws_port)},
        {"mqtt.ws_path", text(c.ws_path)},
        {"mqtt.tls_cert", text(c.tls_cert)},
        {"mqtt.tls_key", text(c.tls_key)},
        {"mqtt.allow_anonymous", boolean(b.allow_anonymous)},
        {"mqtt.max_packet_size", integer(b.max_packet_size)},
        {"mqtt.max_inflight", integer(b.max_inflight)},
        {"mqtt.max_queued_messages", integer(b.max_queued_messages)},
        {"mqtt.queue_overflow",
         [&b](const toml::node& n) {
             auto v = n.value<std::string>();
             if (v == "drop-oldest")
                 b.queue_overflow = broker::QueueOverflow::DropOldest;
             else if (v == "drop-new")
                 b.queue_overflow = broker::QueueOverflow::DropNew;
             else
                 return false;
             return true;
         }},
        {"mqtt.max_topic_length", integer(b.max_topic_length)},
        {"mqtt.max_topic_levels", integer(b.max_topic_levels)},
        {"mqtt.max_subscriptions_per_client", integer(b.max_subscriptions_per_client)},
        {"mqtt.max_clients", integer(b.max_clients)},
        {"mqtt.max_keepalive", integer(b.max_keepalive)},
        {"mqtt.max_session_expiry", integer(b.max_session_expiry)},
        {"mqtt.topic_alias_maximum", integer(b.topic_alias_maximum)},
        {"mqtt.connect_timeout_ms", integer(b.connect_timeout_ms)},
        {"mqtt.max_connect_packet_size", integer(b.max_connect_packet_size)},
        {"mqtt.max_pending_connects", integer(b.max_pending_connects)},
        {"mqtt.max_pending_connects_per_address", integer(b.max_pending_connects_per_address)},
        {"mqtt.max_retained_payload", integer(b.max_retained_payload)},
        {"mqtt.max_retained_messages", integer(b.max_retained_messages)},
        {"mqtt.max_retained_bytes", integer(b.max_retained_bytes)},
        {"mqtt.max_retained_per_client", integer(b.max_retained_per_client)},
        {"mqtt.max_retained_bytes_per_client", integer(b.max_retained_bytes_per_client)},
        {"mqtt.sys_interval", integer(b.sys_interval_s)},
        {"mqtt.retain_available", boolean(b.retain_available)},
        {"mqtt.max_pending_output", integer(b.max_pending_output)},
        {"mqtt.persistence", boolean(c.persistence)},
        {"http.port", integer(c.http_port)},
        {"http.threads", integer(c.http_threads)},
        {"http.max_connections", positive(c.http_max_connections)},
        {"http.public_url", text(c.http_public_url)},
        {"http.console_dir", text(c.console_dir)},
        {"auth.fail_limit", integer(c.auth_fail_limit)},
        {"auth.address_fail_limit", integer(c.auth_address_fail_limit)},
        {"auth.max_clock_skew_s", integer(c.auth_max_clock_skew_s)},
        {"auth.fail_window_s", integer(c.auth_fail_window_s)},
        {"auth.block_s", integer(c.auth_block_s)},
    };
}

}  // namespace

Expected<void, Error> load_toml(const std::string& path, ServeConfig& cfg) {
    toml::table doc;
    try {
        doc = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        return unexpected(Error{1, fmt::format("{}:{}:{}: {}", path, e.source().begin.line,
                                               e.source().begin.column, e.description())});
    }
    auto table = setters(cfg);
    for (auto& [section, node] : doc) {
        auto* t = node.as_table();
        if (!t)
            return unexpected(
                Error{1, fmt::format("{}: '{}' must be a [section]", path, section.str())});
        for (auto& [key, value] : *t) {
            std::string name = fmt::format("{}.{}", section.str(), key.str());
            auto it = table.find(name);
            if (it == table.end())
                return unexpected(Error{1, fmt::format("{}: unknown setting '{}'", path, name)});
            if (!it->second(value))
                return unexpected(Error{
                    1, fmt::format("{}: '{}' has the wrong type or is out of range", path, name)});
        }
    }
    return {};
}

}  // namespace ts::app
