// One HTTP/1.1 connection of the API server: read a request's head under the
// header deadline, check its framing and its access, only then read the body
// under the body deadline, dispatch it, write the reply, repeat while
// keep-alive lasts. One request at a time; pipelined ones wait in the buffer.
#include "api/http_session.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>
#include <optional>

#include "api/errors.hpp"
#include "api/event_stream.hpp"
#include "api/request_head.hpp"
#include "core/log.hpp"

namespace ts::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// After a 413, or a refusal before the body, the client may still be sending
// its body. Closing with unread data makes the kernel send RST, which can
// destroy the reply before the client reads it; so read and discard (bounded,
// into one small buffer: nothing is kept) until the client closes.
constexpr std::size_t kDrainLimit = 8 * 1024 * 1024;
constexpr std::chrono::seconds kDrainTimeout{2};
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, ConnectionLimit::Slot slot, const ApiOptions& opts,
            const Dispatcher& dispatcher)
        : slot_(std::move(slot)),
          stream_(std::move(socket)),
          opts_(opts),
          dispatcher_(dispatcher),
          heartbeat_(stream_.get_executor()) {}

    // A stream's producers must stop when its connection is gone, also when
    // the server stops and the io_context drops this session unfinished.
    ~Session() {
        if (events_) events_->cancel();
    }

    void start() { read_header(); }

private:
    const ApiOptions& opts() const { return opts_; }

    void read_header() {
        reading_body_ = false;
        parser_.emplace();
        parser_->body_limit(opts().body_limit);
        parser_->header_limit(static_cast<std::uint32_t>(opts().header_limit));
        stream_.expires_after(opts().header_timeout);
        http::async_read_header(stream_, buffer_, *parser_,
                                [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                    self->on_header(ec);
                                });
    }

    void on_header(beast::error_code ec) {
        if (ec) return on_read_error(ec);
        const auto& head = parser_->get();
        // The rest of the stream is not framed: reply, discard, close.
        if (auto malformed = check_request_head(head))
            return reply(error_response(*malformed), 11, After::Drain);
        // Refused requests end here: their body is never read (nor invited
        // with 100 Continue), so it costs no memory. Without a body the
        // connection may live on; with one it closes, as the stream is not
        // read past the head.
        if (auto denied = admission(head)) {
            const bool bodiless = parser_->is_done();
            return reply(error_response(*denied), head.version(),
                         !bodiless               ? After::Drain
                         : parser_->keep_alive() ? After::KeepAlive
                                                 : After::Close);
        }
        auto self = shared_from_this();
        if (beast::iequals(head[http::field::expect], "100-continue")) {
            // curl and others wait for this before sending a larger body.
            stream_.expires_after(opts().write_timeout);
            asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                              [self](beast::error_code wec, std::size_t) {
                                  if (wec) return self->close();
                                  self->read_body();
                              });
            return;
        }
        read_body();
    }

    std::optional<ApiError> admission(const http::request_header<>& head) const {
        std::string_view target = head.target();
        return dispatcher_.admit(head.method(), target.substr(0, target.find('?')), head);
    }

    void read_body() {
        reading_body_ = true;
        stream_.expires_after(opts().body_timeout);
        http::async_read(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec) return self->on_read_error(ec);
                             self->on_request();
                         });
    }

    void on_read_error(beast::error_code ec) {
        // A declared Content-Length over the limit fails while the head is
        // read, with the head complete: a refused request gets its refusal,
        // not a 413 that would tell it about the limit.
        if (ec == http::error::body_limit && !reading_body_) {
            if (auto denied = admission(parser_->get()))
                return reply(error_response(*denied), 11, After::Drain);
        }
        if (ec == http::error::body_limit) {
            return reply(error_response(ApiError{413, "PayloadTooLarge",
                                                 "the request body exceeds " +
                                                     std::to_string(opts().body_limit) + " bytes"}),
                         11, After::Drain);
        }
        if (ec == http::error::header_limit) {
            return reply(
                error_response(ApiError{431, "HeadersTooLarge",
                                        "the request headers exceed " +
                                            std::to_string(opts().header_limit) + " bytes"}),
                11, After::Close);
        }
        // A message that is not HTTP/1.1 (not a closed or timed-out socket).
        bool malformed =
            ec.category() == http::make_error_code(http::error::bad_method).category() &&
            ec != http::error::end_of_stream && ec != http::error::partial_message;
        if (malformed) {
            return reply(error_response(ApiError{400, "MalformedRequest",
                                                 "malformed HTTP request: " + ec.message()}),
                         11, After::Close);
        }
        if (ec != http::error::end_of_stream)
            log::get("api")->debug("connection closed reason={}", ec.message());
        close();
    }

    void on_request() {
        auto started = std::chrono::steady_clock::now();
        http::request<http::string_body> msg = parser_->release();
        unsigned version = msg.version();
        bool keep_alive = msg.keep_alive();

        Request req;
        req.method = msg.method();
        std::string_view target = msg.target();
        auto q = target.find('?');
        req.path = std::string(target.substr(0, q));
        std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
        std::string query_copy(query);
        req.body = std::move(msg.body());
        req.headers = std::move(static_cast<http::fields&>(msg));

        Response res = dispatcher_.handle(req, query_copy);
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
        log::get("api")->debug("request method={} path={} status={} ms={}",
                               std::string(http::to_string(req.method)), req.path, res.status, ms);
        if (res.stream) return start_stream(std::move(res), version);
        reply(std::move(res), version, keep_alive ? After::KeepAlive : After::Close);
    }

    // --- server-sent events: header, then chunks as events arrive, a comment
    // line as heartbeat when idle; the connection closes when the stream ends.
    void start_stream(Response r, unsigned version) {
        events_ = std::move(r.stream);
        stream_res_.version(version);
        stream_res_.result(r.status);
        stream_res_.set(http::field::server, "Thingstead");
        stream_res_.set(http::field::content_type, "text/event-stream; charset=utf-8");
        stream_res_.set(http::field::cache_control, "no-store");
        stream_res_.set("X-Accel-Buffering", "no");  // proxies must not hold events back
        for (auto& [name, value] : r.headers) stream_res_.insert(name, value);
        stream_res_.keep_alive(false);
        chunked_ = version >= 11;
        stream_res_.chunked(chunked_);
        // A peer that vanishes without closing (a laptop lid, a dropped
        // route) never fills the send buffer with heartbeats alone, so the
        // write timeout would not notice it: let TCP give up on unacked data
        // and on silence instead.
        beast::error_code ignored;
        stream_.socket().set_option(asio::socket_base::keep_alive(true), ignored);
        const int user_timeout_ms = static_cast<int>(opts().write_timeout.count());
        ::setsockopt(stream_.socket().native_handle(), IPPROTO_TCP, TCP_USER_TIMEOUT,
                     &user_timeout_ms, sizeof user_timeout_ms);
        serializer_.emplace(stream_res_);
        std::weak_ptr<Session> weak = weak_from_this();
        auto executor = stream_.get_executor();
        events_->set_waker([weak, executor] {
            asio::post(executor, [weak] {
                if (auto self = weak.lock()) self->heartbeat_.cancel();
            });
        });
        stream_.expires_after(opts().write_timeout);
        http::async_write_header(stream_, *serializer_,
                                 [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                     if (ec) return self->end_stream();
                                     self->watch_for_close();
                                     self->pump();
                                 });
    }

    // The client sends nothing more on a stream; a read completing means it
    // closed (or misbehaves), so the stream ends now rather than at the next
    // heartbeat. On the raw socket: beast's timer must not expire this read.
    void watch_for_close() {
        stream_.socket().async_read_some(
            asio::buffer(probe_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
                if (ec) return self->end_stream();
                self->watch_for_close();
            });
    }

    void pump() {
        if (stream_done_) return;
        auto taken = events_->take();
        chunk_ = std::move(taken.bytes);
        if (!chunk_.empty()) return write_chunk(taken.closed);
        if (taken.closed) return finish_stream();
        heartbeat_.expires_after(opts().stream_heartbeat);
        heartbeat_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (self->stream_done_) return;
            if (ec) return self->pump();  // woken: events arrived
            self->chunk_ = ": keep-alive\n\n";
            self->write_chunk(false);
        });
    }

    // HTTP/1.1 gets chunks; an HTTP/1.0 client, which cannot decode them,
    // gets the bytes as they are and the end of the body is the close.
    void write_chunk(bool last) {
        auto done = [self = shared_from_this(), last](beast::error_code ec, std::size_t) {
            if (ec) return self->end_stream();
            if (last) return self->finish_stream();
            self->pump();
        };
        stream_.expires_after(opts().write_timeout);
        if (chunked_)
            asio::async_write(stream_, http::make_chunk(asio::buffer(chunk_)), std::move(done));
        else
            asio::async_write(stream_, asio::buffer(chunk_), std::move(done));
    }

    void finish_stream() {
        if (!chunked_) return end_stream();
        stream_.expires_after(opts().write_timeout);
        asio::async_write(
            stream_, http::make_chunk_last(),
            [self = shared_from_this()](beast::error_code, std::size_t) { self->end_stream(); });
    }

    void end_stream() {
        if (stream_done_) return;
        stream_done_ = true;
        events_->cancel();
        heartbeat_.cancel();
        close();
    }

    enum class After { KeepAlive, Close, Drain };

    void reply(Response r, unsigned version, After after) {
        res_ = {};
        res_.version(version);
        res_.result(r.status);
        res_.set(http::field::server, "Thingstead");
        res_.set(http::field::content_type, r.content_type);
        // Replies carry secrets (device and product secrets) and change with
        // every write; no cache may keep them unless a handler says so.
        bool cache_set = false;
        for (auto& [name, value] : r.headers) {
            cache_set = cache_set || beast::iequals(name, "Cache-Control");
            res_.insert(name, value);
        }
        if (!cache_set) res_.set(http::field::cache_control, "no-store");
        res_.body() = std::move(r.body);
        res_.keep_alive(after == After::KeepAlive);
        res_.prepare_payload();
        stream_.expires_after(opts().write_timeout);
        http::async_write(stream_, res_,
                          [self = shared_from_this(), after](beast::error_code ec, std::size_t) {
                              if (ec) return self->close();
                              switch (after) {
                                  case After::KeepAlive:
                                      return self->read_header();
                                  case After::Close:
                                      return self->close();
                                  case After::Drain:
                                      return self->drain();
                              }
                          });
    }

    void drain() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        if (!drain_buf_) drain_buf_ = std::make_unique<char[]>(kDrainChunk);
        stream_.expires_after(kDrainTimeout);
        stream_.async_read_some(asio::buffer(drain_buf_.get(), kDrainChunk),
                                [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                    self->drained_ += n;
                                    if (ec || self->drained_ > kDrainLimit) return self->close();
                                    self->drain();
                                });
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.close();
    }

    static constexpr std::size_t kDrainChunk = 16 * 1024;

    ConnectionLimit::Slot slot_;  // held while the connection is open
    beast::tcp_stream stream_;
    const ApiOptions& opts_;
    const Dispatcher& dispatcher_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    bool reading_body_ = false;  // the head was accepted and the body is being read
    http::response<http::string_body> res_;
    std::unique_ptr<char[]> drain_buf_;
    std::size_t drained_ = 0;

    // Streaming (server-sent events) state.
    asio::steady_timer heartbeat_;
    std::shared_ptr<EventStream> events_;
    http::response<http::empty_body> stream_res_;
    std::optional<http::response_serializer<http::empty_body>> serializer_;
    std::string chunk_;
    std::array<char, 256> probe_{};
    bool chunked_ = true;
    bool stream_done_ = false;
};

}  // namespace

void start_session(tcp::socket socket, ConnectionLimit::Slot slot, const ApiOptions& opts,
                   const Dispatcher& dispatcher) {
    std::make_shared<Session>(std::move(socket), std::move(slot), opts, dispatcher)->start();
}

}  // namespace ts::api
