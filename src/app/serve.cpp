#include "app/serve.hpp"

#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <fmt/format.h>

#include "api/http_server.hpp"
#include "api/routes.hpp"
#include "app/admin_token.hpp"
#include "app/broker_device_feed.hpp"
#include "app/broker_rule_host.hpp"
#include "app/data_dir.hpp"
#include "app/data_dir_lock.hpp"
#include "app/device_authenticator.hpp"
#include "app/device_status.hpp"
#include "app/platform_health.hpp"
#include "app/platform_overview.hpp"
#include "app/platform_services.hpp"
#include "broker/broker.hpp"
#include "core/log.hpp"
#include "net/listener.hpp"
#include "registry/device_topics.hpp"
#include "registry/registry.hpp"
#include "registry/secret_box.hpp"
#include "rules/engine.hpp"
#include "rules/rule_manager.hpp"
#include "rules/sealed_rule_store.hpp"
#include "store/broker_state.hpp"
#include "store/rule_store.hpp"
#include "store/thing_data.hpp"
#include "thing/thing_service.hpp"

namespace ts::app {

namespace {

struct ListenerSpec {
    const char* name;
    std::uint16_t port;
    net::ListenerOptions::Kind kind;
};

// A device that is disabled, deleted or gets a new secret loses its
// connection at once; its credentials no longer hold. A deleted device's
// data goes with it.
void act_on_registry_change(registry::Registry& reg, broker::Broker& broker,
                            thing::ThingService& thing) {
    reg.set_listener([&broker, &thing](const registry::DeviceEvent& e) {
        if (e.kind == registry::DeviceEvent::Kind::Enabled) return;
        if (e.kind == registry::DeviceEvent::Kind::Deleted) {
            thing.forget_device(e.product_key, e.device_name);
            // A device created later under the same name must not receive
            // what was retained for (or by) this one.
            broker.forget_retained(
                [owner = device_session_key(e.product_key, e.device_name), pk = e.product_key,
                 dn = e.device_name](const std::string& topic, const std::string& by) {
                    return by == owner || registry::topic_names_device(topic, pk, dn);
                });
        }
        broker.disconnect_matching(
            [pk = e.product_key, dn = e.device_name](const broker::ClientIdentity& who) {
                return who.kind == broker::ClientIdentity::Kind::Device && who.product_key == pk &&
                       who.device_name == dn;
            },
            mqtt::ReasonCode::AdministrativeAction);
    });
}

// What the stores had given up on, to tell what the shutdown lost.
struct ShutdownLosses {
    std::uint64_t broker_records = 0;
    store::ThingDataStore::Unsaved thing_data;
};

// Logs what was given up on during shutdown; true when anything was.
bool report_unsaved(spdlog::logger& logger, const ShutdownLosses& before,
                    const ShutdownLosses& after, std::uint32_t drain_s) {
    const auto values = after.thing_data.property_values - before.thing_data.property_values;
    const auto other = after.thing_data.other_writes - before.thing_data.other_writes;
    const auto records = after.broker_records - before.broker_records;
    if (values == 0 && other == 0 && records == 0) return false;
    logger.error(
        "stopped with unsaved data (writes kept failing; shutdown drain {} s): {} property "
        "values, {} other device data writes, {} broker state records (sessions, "
        "subscriptions, queued and retained messages) not saved",
        drain_s, values, other, records);
    return true;
}

}  // namespace

int serve(const ServeConfig& cfg) {
    log::set_level(cfg.log_level);
    log::set_json(cfg.log_json);
    auto logger = log::get("app");

    if (auto ready = prepare_data_dir(cfg.data_dir); !ready) {
        logger->error("cannot create data directory {}: {}", cfg.data_dir, ready.error());
        return 1;
    }
    // Held until serve returns: a second server on this directory refuses
    // to start instead of writing the same files.
    auto dir_lock = DataDirLock::acquire(cfg.data_dir);
    if (!dir_lock) {
        logger->error("{}", dir_lock.error().message);
        return 1;
    }
    const auto db_path = (std::filesystem::path(cfg.data_dir) / "thingstead.db").string();
    std::unique_ptr<store::BrokerStateStore> state;
    if (cfg.persistence) {
        auto opened = store::open_sqlite_broker_state(db_path);
        if (!opened) {
            logger->error("cannot open the store: {}", opened.error().message);
            return 1;
        }
        state = std::move(*opened);
    } else {
        state = store::make_null_broker_state();
    }

    SystemClock clock;
    auto master_key = registry::load_master_key(cfg.data_dir);
    if (!master_key) {
        logger->error("master key: {}", master_key.error().message);
        return 1;
    }
    auto reg = registry::open_sqlite_registry(db_path, *master_key, clock);
    if (!reg) {
        logger->error("cannot open the device registry: {}", reg.error().message);
        return 1;
    }
    auto token = load_admin_token(cfg.data_dir);
    if (!token) {
        logger->error("admin token: {}", token.error().message);
        return 1;
    }

    broker::Broker broker(cfg.broker, clock, *state);
    if (auto loaded = broker.load(); !loaded) {
        logger->error("cannot load broker state: {}", loaded.error().message);
        return 1;
    }
    AuthSettings auth;
    auth.allow_anonymous = cfg.broker.allow_anonymous;
    auth.admin_token = token->token;
    auth.throttle.fail_limit = cfg.auth_fail_limit;
    auth.throttle.address_fail_limit = cfg.auth_address_fail_limit;
    auth.throttle.fail_window_s = cfg.auth_fail_window_s;
    auth.throttle.block_s = cfg.auth_block_s;
    auth.max_clock_skew_s = cfg.auth_max_clock_skew_s;
    DeviceAuthenticator authenticator(**reg, std::move(auth), clock);
    DeviceStatusPublisher status(**reg, broker, clock);
    broker.set_authenticator(&authenticator);
    broker.set_observer(&status);

    auto thing_data = store::open_sqlite_thing_data(db_path);
    if (!thing_data) {
        logger->error("cannot open the thing data store: {}", thing_data.error().message);
        return 1;
    }
    BrokerDeviceLink device_link(broker);
    thing::ThingOptions thing_options;
    thing_options.downloads.public_url = cfg.http_public_url;
    thing_options.downloads.http_port = cfg.http_port;
    if (cfg.bind != "0.0.0.0" && cfg.bind != "::") thing_options.downloads.fallback_host = cfg.bind;
    thing::ThingService thing(**reg, **thing_data, device_link, clock, thing_options);
    if (auto loaded = thing.load(); !loaded) {
        logger->error("cannot load thing data: {}", loaded.error().message);
        return 1;
    }
    broker.set_message_tap(&thing);
    act_on_registry_change(**reg, broker, thing);

    // Rules: each enabled rule's FROM filter is a sink on the broker's
    // subscription index; republish actions publish back through the broker.
    auto rule_store = store::open_sqlite_rule_store(db_path);
    if (!rule_store) {
        logger->error("cannot open the rule store: {}", rule_store.error().message);
        return 1;
    }
    // Credentials in rule actions are sealed with the master key, as device
    // secrets are; rules stored in plain text by earlier builds are sealed now.
    auto rule_box = registry::SecretBox::create(*master_key);
    if (!rule_box) {
        logger->error("master key: {}", rule_box.error().message);
        return 1;
    }
    rules::SealedRuleStore sealed_rules(**rule_store, std::move(*rule_box));
    if (auto sealed = sealed_rules.seal_plain_secrets(); !sealed) {
        logger->error("cannot seal rule secrets: {}", sealed.error().message);
        return 1;
    } else if (*sealed > 0) {
        logger->info("rules: sealed the plain-text secrets of {} rule(s)", *sealed);
    }
    BrokerRuleHost rule_host(broker);
    rules::TargetEnv target_env;
    target_env.publish = [&rule_host](std::string topic, std::string payload, int qos) {
        rule_host.publish(std::move(topic), std::move(payload), qos);
    };
    target_env.data_dir = cfg.data_dir;
    target_env.clock = &clock;
    rules::RuleEngine rule_engine(rule_host, target_env);
    rules::RuleManager rule_manager(sealed_rules, rule_engine);
    if (auto loaded = rule_manager.load_all(); !loaded) {
        logger->error("cannot load rules: {}", loaded.error().message);
        return 1;
    } else {
        logger->info("rules: {} running, {} disabled, {} refused", loaded->running,
                     loaded->disabled, loaded->failed);
    }

    std::size_t threads =
        cfg.threads ? cfg.threads : std::max(1u, std::thread::hardware_concurrency());
    broker.start(threads);

    std::shared_ptr<boost::asio::ssl::context> tls;
    bool tls_on = !cfg.tls_cert.empty() && !cfg.tls_key.empty();
    if (tls_on) {
        auto ctx = net::make_server_tls_context(cfg.tls_cert, cfg.tls_key);
        if (!ctx) {
            logger->error("TLS: {}", ctx.error().message);
            broker.stop();
            return 1;
        }
        tls = *ctx;
    } else if (cfg.tls_port != 0) {
        logger->info(
            "mqtts listener off: set [mqtt] tls_cert and tls_key (or --tls-cert/--tls-key) to turn "
            "it on");
    }

    std::vector<std::unique_ptr<net::Listener>> listeners;
    auto stop_all = [&] {
        for (auto& l : listeners) l->stop();
        broker.stop();
    };
    const ListenerSpec specs[] = {
        {"mqtt", cfg.mqtt_port, net::ListenerOptions::Kind::Tcp},
        {"mqtts", tls_on ? cfg.tls_port : std::uint16_t{0}, net::ListenerOptions::Kind::Tls},
        {"ws", cfg.ws_port, net::ListenerOptions::Kind::WebSocket},
    };
    for (const auto& spec : specs) {
        if (spec.port == 0) continue;
        net::ListenerOptions o;
        o.bind_address = cfg.bind;
        o.port = spec.port;
        o.kind = spec.kind;
        o.websocket_path = cfg.ws_path;
        // With TLS configured the plain port answers TLS too (device SDKs
        // that use TLS on 1883).
        if (spec.kind != net::ListenerOptions::Kind::WebSocket) o.tls = tls;
        auto l = net::Listener::start(broker.contexts(), o,
                                      [&broker](std::size_t i, std::unique_ptr<net::Transport> t) {
                                          broker.accept(i, std::move(t));
                                      });
        if (!l) {
            logger->error("{} listener on {}:{}: {}", spec.name, cfg.bind, spec.port,
                          l.error().message);
            stop_all();
            return 1;
        }
        logger->info("{} listener ready on {}:{}", spec.name, cfg.bind, (*l)->port());
        listeners.push_back(std::move(*l));
    }

    BrokerPublisher publisher(broker);
    BrokerMetrics metrics(broker, &thing, &rule_engine, &authenticator);
    BrokerDeviceFeed device_feed(broker);
    PlatformOverview overview(**reg, broker, thing, **rule_store, rule_engine);
    PlatformHealth health(*state, **thing_data, **reg);
    std::unique_ptr<api::ApiServer> http;
    if (cfg.http_port != 0) {
        api::ApiOptions o;
        o.bind = cfg.bind;
        o.port = cfg.http_port;
        o.threads = cfg.http_threads;
        o.max_connections = cfg.http_max_connections;
        o.admin_token = token->token;
        api::Router router;
        api::add_api_routes(router, api::Services{**reg, publisher, metrics, health});
        api::add_thing_routes(router, thing);
        api::add_rule_routes(router, rule_manager);
        api::add_live_routes(router, device_feed, overview);
        api::add_console_routes(router,
                                cfg.console_dir.empty() ? default_console_dir() : cfg.console_dir);
        auto server = api::ApiServer::start(o, std::move(router));
        if (!server) {
            logger->error("http listener on {}:{}: {}", cfg.bind, cfg.http_port,
                          server.error().message);
            stop_all();
            return 1;
        }
        http = std::move(*server);
        logger->info("http listener ready on {}:{} (REST API under /api/v1)", cfg.bind,
                     http->port());
    }
    if (token->created)
        logger->info("admin token created in {}: {}", token->source, token->token);
    else
        logger->info("admin token from {}", token->source);

    boost::asio::io_context signals_ctx;
    boost::asio::signal_set signals(signals_ctx, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int sig) {
        logger->info("signal {} received", sig);
    });
    signals_ctx.run();

    // From here the stores give up writes that keep failing once the drain
    // deadline has passed: a full disk must not hold shutdown for minutes.
    const ShutdownLosses before{state->stats().dropped_ops, (*thing_data)->unsaved()};
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(cfg.shutdown_drain_s);
    state->set_drain_deadline(deadline);
    (*thing_data)->set_drain_deadline(deadline);

    // /readyz answers 503 from here on, for as long as the server still serves.
    health.set_shutting_down();
    if (http) http->stop();
    for (auto& l : listeners) l->stop();
    // Rows still queued get a short drain (republish needs the broker).
    rule_engine.stop_all();
    stop_all();
    // Replies waiting for their batch go out (or not) before the thing
    // layer they call back into is destroyed.
    (*thing_data)->flush();
    const ShutdownLosses after{state->stats().dropped_ops, (*thing_data)->unsaved()};
    if (report_unsaved(*logger, before, after, cfg.shutdown_drain_s)) return 1;
    logger->info("stopped");
    return 0;
}

}  // namespace ts::app
