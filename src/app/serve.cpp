#include "app/serve.hpp"

#include <csignal>
#include <filesystem>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "broker/broker.hpp"
#include "core/log.hpp"
#include "net/listener.hpp"
#include "store/broker_state.hpp"

namespace ts::app {

namespace {

struct ListenerSpec {
    const char* name;
    std::uint16_t port;
    net::ListenerOptions::Kind kind;
};

}  // namespace

int serve(const ServeConfig& cfg) {
    log::set_level(cfg.log_level);
    log::set_json(cfg.log_json);
    auto logger = log::get("app");

    std::error_code ec;
    std::filesystem::create_directories(cfg.data_dir, ec);
    if (ec) {
        logger->error("cannot create data directory {}: {}", cfg.data_dir, ec.message());
        return 1;
    }
    std::unique_ptr<store::BrokerStateStore> state;
    if (cfg.persistence) {
        auto opened = store::open_sqlite_broker_state((std::filesystem::path(cfg.data_dir) / "thingstead.db").string());
        if (!opened) {
            logger->error("cannot open the store: {}", opened.error().message);
            return 1;
        }
        state = std::move(*opened);
    } else {
        state = store::make_null_broker_state();
    }

    SystemClock clock;
    broker::Broker broker(cfg.broker, clock, *state);
    if (auto loaded = broker.load(); !loaded) {
        logger->error("cannot load broker state: {}", loaded.error().message);
        return 1;
    }
    std::size_t threads = cfg.threads ? cfg.threads : std::max(1u, std::thread::hardware_concurrency());
    broker.start(threads);

    std::shared_ptr<boost::asio::ssl::context> tls;
    bool tls_on = cfg.tls_port != 0 && !cfg.tls_cert.empty() && !cfg.tls_key.empty();
    if (tls_on) {
        auto ctx = net::make_server_tls_context(cfg.tls_cert, cfg.tls_key);
        if (!ctx) {
            logger->error("TLS: {}", ctx.error().message);
            broker.stop();
            return 1;
        }
        tls = *ctx;
    } else if (cfg.tls_port != 0) {
        logger->info("mqtts listener off: set [mqtt] tls_cert and tls_key (or --tls-cert/--tls-key) to turn it on");
    }

    std::vector<std::unique_ptr<net::Listener>> listeners;
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
        // The plain port answers TLS too when TLS is configured (device SDKs
        // that use TLS on 1883).
        o.tls = tls;
        auto l = net::Listener::start(broker.contexts(), o,
                                      [&broker](std::size_t i, std::unique_ptr<net::Transport> t) {
                                          broker.accept(i, std::move(t));
                                      });
        if (!l) {
            logger->error("{} listener on {}:{}: {}", spec.name, cfg.bind, spec.port, l.error().message);
            for (auto& x : listeners) x->stop();
            broker.stop();
            return 1;
        }
        logger->info("{} listener ready on {}:{}", spec.name, cfg.bind, (*l)->port());
        listeners.push_back(std::move(*l));
    }

    boost::asio::io_context signals_ctx;
    boost::asio::signal_set signals(signals_ctx, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int sig) {
        logger->info("signal {} received", sig);
    });
    signals_ctx.run();

    for (auto& l : listeners) l->stop();
    broker.stop();
    logger->info("stopped");
    return 0;
}

}  // namespace ts::app
