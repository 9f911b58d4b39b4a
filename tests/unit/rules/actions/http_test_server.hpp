#pragma once
// A small real HTTP/1.1 server on 127.0.0.1:<ephemeral> for the webhook
// tests: keep-alive, one thread, answers from a script (status, body, delay,
// close), and records the requests and connections it saw.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ts::rules::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

class HttpTestServer {
public:
    struct Reply {
        Reply(unsigned s = 200, std::string b = {}, std::chrono::milliseconds d = {},
              bool c = false)
            : status(s), body(std::move(b)), delay(d), close(c) {}
        unsigned status;
        std::string body;
        std::chrono::milliseconds delay;
        bool close;  // Connection: close after this reply
    };
    struct Seen {
        std::string method, target, body, content_type, authorization;
    };

    HttpTestServer() : acceptor_(ioc_, {asio::ip::make_address("127.0.0.1"), 0}) {
        accept();
        thread_ = std::thread([this] { ioc_.run(); });
    }
    ~HttpTestServer() {
        ioc_.stop();
        thread_.join();
    }
    HttpTestServer(const HttpTestServer&) = delete;
    HttpTestServer& operator=(const HttpTestServer&) = delete;

    unsigned short port() const { return acceptor_.local_endpoint().port(); }
    std::string url(const std::string& path = "/hook") const {
        return "http://127.0.0.1:" + std::to_string(port()) + path;
    }
    void script(Reply r) {
        std::lock_guard lock(mu_);
        script_.push_back(std::move(r));
    }
    std::vector<Seen> requests() {
        std::lock_guard lock(mu_);
        return seen_;
    }
    int connections() {
        std::lock_guard lock(mu_);
        return connections_;
    }

private:
    struct Session : std::enable_shared_from_this<Session> {
        HttpTestServer* server;
        beast::tcp_stream stream;
        beast::flat_buffer buffer;
        http::request<http::string_body> req;
        http::response<http::string_body> res;
        asio::steady_timer timer;
        Session(HttpTestServer* s, asio::ip::tcp::socket sock)
            : server(s), stream(std::move(sock)), timer(stream.get_executor()) {}

        void read() {
            req = {};
            http::async_read(stream, buffer, req,
                             [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                 if (ec) return;
                                 self->on_request();
                             });
        }
        void on_request() {
            Reply r;
            {
                std::lock_guard lock(server->mu_);
                server->seen_.push_back({std::string(req.method_string()),
                                         std::string(req.target()), req.body(),
                                         std::string(req[http::field::content_type]),
                                         std::string(req[http::field::authorization])});
                if (!server->script_.empty()) {
                    r = std::move(server->script_.front());
                    server->script_.pop_front();
                }
            }
            res = {static_cast<http::status>(r.status), 11};
            res.body() = r.body;
            res.keep_alive(!r.close && req.keep_alive());
            res.prepare_payload();
            timer.expires_after(r.delay);
            timer.async_wait([self = shared_from_this()](beast::error_code) {
                http::async_write(self->stream, self->res,
                                  [self](beast::error_code ec, std::size_t) {
                                      if (ec) return;
                                      if (!self->res.keep_alive()) {
                                          beast::error_code ignored;
                                          self->stream.socket().shutdown(
                                              asio::ip::tcp::socket::shutdown_send, ignored);
                                          return;
                                      }
                                      self->read();
                                  });
            });
        }
    };

    void accept() {
        acceptor_.async_accept([this](beast::error_code ec, asio::ip::tcp::socket sock) {
            if (ec) return;
            {
                std::lock_guard lock(mu_);
                ++connections_;
            }
            std::make_shared<Session>(this, std::move(sock))->read();
            accept();
        });
    }

    asio::io_context ioc_;
    asio::ip::tcp::acceptor acceptor_;
    std::thread thread_;
    std::mutex mu_;
    std::deque<Reply> script_;
    std::vector<Seen> seen_;
    int connections_ = 0;
};

}  // namespace ts::rules::test
