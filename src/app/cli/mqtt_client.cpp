// Asio's synchronous calls have no deadlines, so every step is an
// asynchronous operation on a private io_context, run one handler at a time
// until the step completes or its deadline passes. One read is kept pending
// at all times (never cancelled, so a TLS record is never cut in half);
// writes run beside it.
#include "app/cli/mqtt_client.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>
#include <deque>
#include <functional>
#include <span>
#include <vector>

#include "mqtt/codec.hpp"

namespace ts::app::cli {

namespace {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

// Far above what the CLI expects, low enough that a garbage length cannot
// make it allocate without bound.
constexpr std::uint32_t kMaxInboundPacket = 64u * 1024 * 1024;

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](char c) {
        return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return out;
}

std::string hex_byte(std::uint8_t b) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned>(b));
    return buf;
}

std::string describe_reason(mqtt::ReasonCode rc) {
    return lower(mqtt::to_string(rc)) + " (" + hex_byte(static_cast<std::uint8_t>(rc)) + ")";
}

Unexpected<MqttError> fail(std::string message, std::optional<mqtt::ReasonCode> rc = std::nullopt) {
    return unexpected(MqttError{std::move(message), rc});
}

bool is_ip_address(const std::string& host) {
    error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

}  // namespace

std::string describe_connack(mqtt::ReasonCode rc, mqtt::ProtocolVersion version) {
    if (version == mqtt::ProtocolVersion::v5) return describe_reason(rc);
    const auto code = static_cast<unsigned>(mqtt::to_311_connack(rc));
    return lower(mqtt::to_string(rc)) + " (return code " + std::to_string(code) + ")";
}

struct MqttClient::Impl {
    asio::io_context ioc;
    asio::ssl::context ssl_ctx{asio::ssl::context::tls_client};
    std::optional<asio::ssl::stream<tcp::socket>> stream;
    MqttConnectOptions opts;
    bool open = false;
    std::chrono::milliseconds keep_alive{0};

    std::vector<std::uint8_t> inbuf;
    std::array<std::uint8_t, 16 * 1024> chunk{};
    bool reading = false;
    error_code read_error;

    std::deque<mqtt::Publish> inbox;  // messages that arrived while waiting for an ack
    std::uint16_t next_id = 0;
    Clock::time_point last_sent;
    std::optional<Clock::time_point> ping_sent;

    ~Impl() { close(); }

    tcp::socket& socket() { return stream->next_layer(); }

    template <typename F>
    void with_stream(F&& f) {
        if (opts.tls)
            f(*stream);
        else
            f(stream->next_layer());
    }

    void close() {
        if (!stream) return;
        error_code ec;
        socket().close(ec);
        open = false;
    }

    // Runs handlers until done() or the deadline; false when it was not done.
    bool run_until(const std::function<bool()>& done, Clock::time_point deadline) {
        while (!done()) {
            if (ioc.stopped()) ioc.restart();
            // 0 means the deadline passed or nothing is pending any more.
            if (ioc.run_one_until(deadline) == 0) return done();
        }
        return true;
    }

    // Starts one operation and waits for it. On a missed deadline the
    // connection is closed (the only safe way to stop a TLS operation) and
    // the aborted handler is run before returning, as it refers to locals.
    template <typename Start>
    std::optional<error_code> wait_op(Start start, Clock::time_point deadline) {
        bool done = false;
        error_code result;
        start([&done, &result](const error_code& ec, auto&&...) {
            result = ec;
            done = true;
        });
        if (run_until([&] { return done; }, deadline)) return result;
        close();
        ioc.restart();
        while (!done && ioc.run_one() != 0) {
        }
        return std::nullopt;
    }

    void start_read() {
        if (reading || read_error || !stream) return;
        reading = true;
        with_stream([this](auto& s) {
            s.async_read_some(asio::buffer(chunk), [this](const error_code& ec, std::size_t n) {
                reading = false;
                if (ec)
                    read_error = ec;
                else
                    inbuf.insert(inbuf.end(), chunk.begin(), chunk.begin() + static_cast<long>(n));
            });
        });
    }

    MqttResult<void> send(const mqtt::Packet& p) {
        if (!open && !std::holds_alternative<mqtt::Connect>(p)) return fail("not connected");
        std::vector<std::uint8_t> out;
        mqtt::encode(p, opts.version, out);
        auto ec = wait_op(
            [&](auto handler) {
                with_stream(
                    [&](auto& s) { asio::async_write(s, asio::buffer(out), std::move(handler)); });
            },
            Clock::now() + opts.timeout);
        if (!ec) return fail("timed out sending to the server");
        if (*ec) {
            close();
            return fail("connection lost: " + ec->message());
        }
        last_sent = Clock::now();
        return {};
    }

    Unexpected<MqttError> read_failure() {
        close();
        if (read_error == asio::error::eof || read_error == asio::ssl::error::stream_truncated ||
            read_error == asio::error::connection_reset)
            return fail("the server closed the connection");
        return fail("connection lost: " + read_error.message());
    }

    // The next whole packet; nullopt when the deadline passes first.
    MqttResult<std::optional<mqtt::Packet>> next_packet(Clock::time_point deadline) {
        for (;;) {
            if (!inbuf.empty()) {
                auto frame = mqtt::read_fixed_header(inbuf, kMaxInboundPacket);
                if (frame.status == mqtt::FrameStatus::Error) {
                    close();
                    return fail("bad packet from the server: " + frame.error.message);
                }
                if (frame.status == mqtt::FrameStatus::Complete) {
                    const auto len = frame.header.total_length();
                    auto packet = mqtt::decode(std::span(inbuf.data(), len), opts.version);
                    inbuf.erase(inbuf.begin(), inbuf.begin() + static_cast<long>(len));
                    if (!packet) {
                        close();
                        return fail("bad packet from the server: " + packet.error().message);
                    }
                    return std::optional<mqtt::Packet>(std::move(*packet));
                }
            }
            if (read_error) return read_failure();
            start_read();
            const auto before = inbuf.size();
            run_until([&] { return inbuf.size() != before || static_cast<bool>(read_error); },
                      deadline);
            if (inbuf.size() == before && !read_error) return std::optional<mqtt::Packet>{};
        }
    }

    // next_packet, keeping the connection alive (PINGREQ at keep-alive/2,
    // PINGRESP expected within the keep-alive) and ending on a DISCONNECT.
    MqttResult<std::optional<mqtt::Packet>> next_packet_alive(Clock::time_point deadline) {
        for (;;) {
            auto wake = deadline;
            if (keep_alive.count() > 0)
                wake = std::min(wake,
                                ping_sent ? *ping_sent + keep_alive : last_sent + keep_alive / 2);
            auto p = next_packet(wake);
            if (!p) return p;
            if (*p) {
                if (std::holds_alternative<mqtt::Pingresp>(**p)) {
                    ping_sent.reset();
                    continue;
                }
                if (auto* d = std::get_if<mqtt::Disconnect>(&**p)) {
                    close();
                    std::string why = "the server disconnected: " + describe_reason(d->reason);
                    if (d->properties.reason_string) why += ": " + *d->properties.reason_string;
                    return fail(why, d->reason);
                }
                return p;
            }
            const auto now = Clock::now();
            if (now >= deadline) return p;
            if (ping_sent) {
                if (now >= *ping_sent + keep_alive) {
                    close();
                    return fail("the server did not answer PINGREQ within the keep-alive");
                }
                continue;
            }
            if (now >= last_sent + keep_alive / 2) {
                if (auto s = send(mqtt::Pingreq{}); !s) return unexpected(s.error());
                ping_sent = now;
            }
        }
    }

    // A PUBLISH that arrived: acknowledged now, kept for receive().
    MqttResult<void> accept(mqtt::Publish p) {
        if (p.qos == mqtt::QoS::AtLeastOnce) {
            if (auto s = send(mqtt::PubResponse{mqtt::PacketType::Puback, p.packet_id, {}, {}}); !s)
                return s;
        } else if (p.qos == mqtt::QoS::ExactlyOnce) {
            // Subscriptions ask for QoS 1 at most, but a server may still
            // send QoS 2; delivering on PUBLISH may show a duplicate, which
            // a command-line reader can live with.
            if (auto s = send(mqtt::PubResponse{mqtt::PacketType::Pubrec, p.packet_id, {}, {}}); !s)
                return s;
        }
        inbox.push_back(std::move(p));
        return {};
    }

    // Handles what may arrive at any time; true when `p` was consumed.
    MqttResult<bool> handle_async(mqtt::Packet& p) {
        if (auto* pub = std::get_if<mqtt::Publish>(&p)) {
            if (auto a = accept(std::move(*pub)); !a) return unexpected(a.error());
            return true;
        }
        if (auto* r = std::get_if<mqtt::PubResponse>(&p);
            r && r->type == mqtt::PacketType::Pubrel) {
            if (auto s = send(mqtt::PubResponse{mqtt::PacketType::Pubcomp, r->packet_id, {}, {}});
                !s)
                return unexpected(s.error());
            return true;
        }
        return false;
    }

    // Waits up to the timeout for the packet `matches` accepts.
    template <typename Match>
    MqttResult<mqtt::Packet> await(Match matches, const std::string& what,
                                   Clock::time_point deadline) {
        for (;;) {
            auto p = next_packet_alive(deadline);
            if (!p) return unexpected(p.error());
            if (!*p) {
                close();
                return fail("timed out waiting for " + what);
            }
            if (matches(**p)) return std::move(**p);
            auto handled = handle_async(**p);
            if (!handled) return unexpected(handled.error());
            // Anything else (a stray ack) is ignored.
        }
    }

    std::uint16_t take_id() {
        if (++next_id == 0) next_id = 1;
        return next_id;
    }
};

MqttClient::MqttClient() : impl_(std::make_unique<Impl>()) {}

MqttClient::~MqttClient() {
    disconnect();
}

bool MqttClient::connected() const {
    return impl_->open;
}

MqttResult<void> MqttClient::connect(const MqttConnectOptions& options) {
    auto& m = *impl_;
    disconnect();
    // Run what the closed connection left queued (its aborted read) now, so
    // it cannot land in the new connection's state later.
    m.ioc.restart();
    m.ioc.run();
    m.ioc.restart();
    m.opts = options;
    m.inbuf.clear();
    m.inbox.clear();
    m.read_error = {};
    m.reading = false;
    m.ping_sent.reset();
    m.keep_alive = std::chrono::seconds(options.keep_alive_s);
    const auto deadline = Clock::now() + options.timeout;
    const std::string where = options.host + ":" + options.port;

    if (options.tls) {
        error_code ec;
        if (!options.ca_file.empty())
            m.ssl_ctx.load_verify_file(options.ca_file, ec);
        else
            m.ssl_ctx.set_default_verify_paths(ec);
        if (ec)
            return fail("cannot load CA certificates" +
                        (options.ca_file.empty() ? std::string() : " from " + options.ca_file) +
                        ": " + ec.message());
        m.ssl_ctx.set_verify_mode(options.tls_verify ? asio::ssl::verify_peer
                                                     : asio::ssl::verify_none);
    }
    // A fresh stream per connection: an SSL object cannot be reused.
    m.stream.reset();
    m.stream.emplace(m.ioc, m.ssl_ctx);

    tcp::resolver resolver(m.ioc);
    error_code ec;
    auto endpoints = resolver.resolve(options.host, options.port, ec);
    if (ec) return fail("cannot resolve " + options.host + ": " + ec.message());
    auto connected = m.wait_op(
        [&](auto handler) { asio::async_connect(m.socket(), endpoints, std::move(handler)); },
        deadline);
    if (!connected) return fail("timed out connecting to " + where);
    if (*connected) return fail("cannot connect to " + where + ": " + connected->message());
    error_code ignored;
    m.socket().set_option(tcp::no_delay(true), ignored);

    if (options.tls) {
        if (!is_ip_address(options.host))
            SSL_set_tlsext_host_name(m.stream->native_handle(), options.host.c_str());
        if (options.tls_verify)
            m.stream->set_verify_callback(asio::ssl::host_name_verification(options.host));
        auto shook = m.wait_op(
            [&](auto handler) {
                m.stream->async_handshake(asio::ssl::stream_base::client, std::move(handler));
            },
            deadline);
        if (!shook) return fail("timed out in the TLS handshake with " + where);
        if (*shook) {
            m.close();
            return fail("TLS handshake with " + where + " failed: " + shook->message());
        }
    }

    mqtt::Connect c;
    c.version = options.version;
    c.clean_start = options.clean_session;
    c.keep_alive = options.keep_alive_s;
    c.client_id = options.client_id;
    c.username = options.username;
    c.password = options.password;
    m.open = true;  // for send(); reset by any failure below
    if (auto s = m.send(c); !s) return s;
    auto reply =
        m.await([](const mqtt::Packet& p) { return std::holds_alternative<mqtt::Connack>(p); },
                "CONNACK", deadline);
    if (!reply) {
        m.close();
        return unexpected(reply.error());
    }
    const auto& ack = std::get<mqtt::Connack>(*reply);
    if (ack.reason != mqtt::ReasonCode::Success) {
        m.close();
        std::string why = "connection refused: " + describe_connack(ack.reason, options.version);
        if (ack.properties.reason_string) why += ": " + *ack.properties.reason_string;
        return fail(why, ack.reason);
    }
    if (ack.properties.server_keep_alive)
        m.keep_alive = std::chrono::seconds(*ack.properties.server_keep_alive);
    return {};
}

MqttResult<void> MqttClient::publish(std::string_view topic, std::string_view payload,
                                     mqtt::QoS qos, bool retain) {
    auto& m = *impl_;
    if (qos == mqtt::QoS::ExactlyOnce) return fail("QoS 2 is not supported by this client");
    mqtt::Publish p;
    p.qos = qos;
    p.retain = retain;
    p.topic = std::string(topic);
    p.payload = SharedBuffer::copy_of(payload);
    if (qos != mqtt::QoS::AtMostOnce) p.packet_id = m.take_id();
    const auto id = p.packet_id;
    if (auto s = m.send(p); !s) return s;
    if (qos == mqtt::QoS::AtMostOnce) return {};

    auto reply = m.await(
        [id](const mqtt::Packet& pk) {
            auto* r = std::get_if<mqtt::PubResponse>(&pk);
            return r && r->type == mqtt::PacketType::Puback && r->packet_id == id;
        },
        "PUBACK", Clock::now() + m.opts.timeout);
    if (!reply) return unexpected(reply.error());
    const auto& ack = std::get<mqtt::PubResponse>(*reply);
    if (mqtt::is_error(ack.reason)) {
        std::string why = "publish refused: " + describe_reason(ack.reason);
        if (ack.properties.reason_string) why += ": " + *ack.properties.reason_string;
        return fail(why, ack.reason);
    }
    return {};
}

MqttResult<mqtt::QoS> MqttClient::subscribe(std::string_view filter, mqtt::QoS qos) {
    auto& m = *impl_;
    mqtt::Subscribe s;
    s.packet_id = m.take_id();
    mqtt::TopicSubscription t;
    t.filter = std::string(filter);
    t.options.max_qos = qos;
    s.topics.push_back(std::move(t));
    const auto id = s.packet_id;
    if (auto sent = m.send(s); !sent) return unexpected(sent.error());
    auto reply = m.await(
        [id](const mqtt::Packet& pk) {
            auto* a = std::get_if<mqtt::Suback>(&pk);
            return a && a->packet_id == id;
        },
        "SUBACK", Clock::now() + m.opts.timeout);
    if (!reply) return unexpected(reply.error());
    const auto& ack = std::get<mqtt::Suback>(*reply);
    if (ack.reasons.size() != 1) return fail("SUBACK with the wrong number of results");
    const auto rc = ack.reasons.front();
    if (mqtt::is_error(rc)) {
        std::string why =
            "subscription to " + std::string(filter) + " refused: " + describe_reason(rc);
        if (ack.properties.reason_string) why += ": " + *ack.properties.reason_string;
        return fail(why, rc);
    }
    return static_cast<mqtt::QoS>(std::min<std::uint8_t>(static_cast<std::uint8_t>(rc), 2));
}

MqttResult<std::optional<mqtt::Publish>> MqttClient::receive(Clock::time_point deadline) {
    auto& m = *impl_;
    for (;;) {
        if (!m.inbox.empty()) {
            auto p = std::move(m.inbox.front());
            m.inbox.pop_front();
            return std::optional<mqtt::Publish>(std::move(p));
        }
        if (!m.open) return fail("not connected");
        auto p = m.next_packet_alive(deadline);
        if (!p) return unexpected(p.error());
        if (!*p) return std::optional<mqtt::Publish>{};
        auto handled = m.handle_async(**p);
        if (!handled) return unexpected(handled.error());
    }
}

void MqttClient::disconnect() {
    auto& m = *impl_;
    if (m.open) {
        // Best effort and short: the server may already be gone.
        m.opts.timeout = std::min(m.opts.timeout, std::chrono::milliseconds(1000));
        (void)m.send(mqtt::Disconnect{});
    }
    m.close();
}

}  // namespace ts::app::cli
