#pragma once
// The API tests' harness: the real ApiServer on 127.0.0.1 port 0 over a fake
// registry, a recording publisher and fixed metrics, and a small blocking
// Beast HTTP client talking to it over a real socket.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/http_server.hpp"
#include "fake_registry.hpp"

namespace ts::api::test {

namespace http = boost::beast::http;
using nlohmann::json;

inline constexpr const char* kToken = "test-admin-token";

struct Published {
    std::string topic;
    std::string payload;
    int qos;
    bool retain;
};

class RecordingPublisher final : public MessagePublisher {
public:
    Expected<void, std::string> publish(const std::string& topic, std::string payload, int qos,
                                        bool retain) override {
        std::lock_guard lock(mu_);
        if (refuse_) return unexpected(std::string("broker is shutting down"));
        messages_.push_back({topic, std::move(payload), qos, retain});
        return {};
    }
    std::vector<Published> messages() {
        std::lock_guard lock(mu_);
        return messages_;
    }
    void refuse(bool r) {
        std::lock_guard lock(mu_);
        refuse_ = r;
    }

private:
    std::mutex mu_;
    std::vector<Published> messages_;
    bool refuse_ = false;
};

class FixedMetrics final : public MetricsSource {
public:
    std::string prometheus_text() override {
        return "# TYPE thingstead_connections gauge\nthingstead_connections 3\n";
    }
};

// Health as a test sets it: every writer fine until told otherwise.
class SettableHealth final : public HealthSource {
public:
    HealthReport health() override {
        std::lock_guard lock(mu_);
        return report_;
    }
    void set(HealthReport r) {
        std::lock_guard lock(mu_);
        report_ = std::move(r);
    }

private:
    std::mutex mu_;
    HealthReport report_{{{"brokerState", false}, {"thingData", false}}, false};
};

struct Reply {
    unsigned status = 0;
    std::string body;
    http::fields headers;

    json js() const { return json::parse(body); }
    std::string code() const {
        auto j = json::parse(body, nullptr, false);
        return j.is_object() && j.contains("code") ? j["code"].get<std::string>() : "";
    }
    std::string message() const {
        auto j = json::parse(body, nullptr, false);
        return j.is_object() && j.contains("message") ? j["message"].get<std::string>() : "";
    }
    std::string header(http::field f) const { return std::string(headers[f]); }
};

class Client {
public:
    explicit Client(std::uint16_t port) : socket_(io_) {
        socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    }

    // `body` nullopt: no body. `token` nullopt: no Authorization header.
    Reply request(http::verb method, const std::string& target,
                  std::optional<std::string> body = std::nullopt,
                  std::optional<std::string> token = std::string(kToken),
                  std::string content_type = "application/json") {
        http::request<http::string_body> req{method, target, 11};
        req.set(http::field::host, "127.0.0.1");
        if (token) req.set(http::field::authorization, "Bearer " + *token);
        if (body) {
            req.set(http::field::content_type, content_type);
            req.body() = *body;
        }
        req.prepare_payload();
        http::write(socket_, req);
        return read_reply();
    }

    // Raw bytes, for malformed requests.
    void write_raw(const std::string& bytes) {
        boost::asio::write(socket_, boost::asio::buffer(bytes));
    }

    Reply read_reply() {
        http::response_parser<http::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        http::read(socket_, buffer_, parser);
        auto res = parser.release();
        Reply r;
        r.status = res.result_int();
        r.body = res.body();
        r.headers = static_cast<http::fields&>(res);
        return r;
    }

    // True when the server has closed the connection (reads EOF).
    bool closed_by_server() {
        boost::system::error_code ec;
        char c;
        socket_.read_some(boost::asio::buffer(&c, 1), ec);
        return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
    }

    boost::asio::ip::tcp::socket& socket() { return socket_; }

private:
    boost::asio::io_context io_;
    boost::asio::ip::tcp::socket socket_;
    boost::beast::flat_buffer buffer_;
};

class ApiTest : public ::testing::Test {
protected:
    void SetUp() override { start_server({}); }

    void start_server(ApiOptions opts) {
        server_.reset();
        opts.bind = "127.0.0.1";
        opts.port = 0;
        opts.admin_token = kToken;
        auto s = ApiServer::start(opts, registry_, publisher_, metrics_, health_);
        ASSERT_TRUE(s.has_value()) << s.error().message;
        server_ = std::move(*s);
        client_ = std::make_unique<Client>(server_->port());
    }

    static std::string api(const std::string& path) { return "/api/v1" + path; }

    Reply get(const std::string& path) { return client_->request(http::verb::get, api(path)); }
    Reply del(const std::string& path) { return client_->request(http::verb::delete_, api(path)); }
    Reply post(const std::string& path, const json& body) {
        return client_->request(http::verb::post, api(path), body.dump());
    }
    Reply post_raw(const std::string& path, std::optional<std::string> body) {
        return client_->request(http::verb::post, api(path), std::move(body));
    }
    Reply patch(const std::string& path, const json& body) {
        return client_->request(http::verb::patch, api(path), body.dump());
    }
    Reply put(const std::string& path, const json& body) {
        return client_->request(http::verb::put, api(path), body.dump());
    }

    // A product, returning its productKey.
    std::string make_product(const std::string& name = "lamp") {
        auto r = post("/products", {{"name", name}});
        EXPECT_EQ(r.status, 201u) << r.body;
        return r.js()["productKey"].get<std::string>();
    }

    FakeRegistry registry_;
    RecordingPublisher publisher_;
    FixedMetrics metrics_;
    SettableHealth health_;
    std::unique_ptr<ApiServer> server_;
    std::unique_ptr<Client> client_;
};

}  // namespace ts::api::test
