// GET /stream (server-sent events) and GET /overview over a real socket:
// the stream's subscription follows the connection (opened with the request,
// ended when the client leaves or the server stops), events arrive framed
// as SSE, idle streams send heartbeats, and bad queries are 400s.
#include <sys/socket.h>

#include <chrono>
#include <thread>

#include "api/routes.hpp"
#include "api_test_util.hpp"

namespace ts::api::test {
namespace {

using namespace std::chrono_literals;

// MQTT filter matching, enough for the stream's filters (+ and exact).
bool matches(const std::string& filter, const std::string& topic) {
    std::size_t f = 0, t = 0;
    while (f <= filter.size() && t <= topic.size()) {
        auto fe = filter.find('/', f);
        auto te = topic.find('/', t);
        std::string fl = filter.substr(f, fe == std::string::npos ? std::string::npos : fe - f);
        std::string tl = topic.substr(t, te == std::string::npos ? std::string::npos : te - t);
        if (fl == "#") return true;
        if (fl != "+" && fl != tl) return false;
        if ((fe == std::string::npos) != (te == std::string::npos)) return false;
        if (fe == std::string::npos) return true;
        f = fe + 1;
        t = te + 1;
    }
    return false;
}

class FakeFeed final : public DeviceFeed {
public:
    struct Entry {
        std::vector<std::string> filters;
        Listener listener;
    };
    class Sub final : public Subscription {
    public:
        Sub(FakeFeed& feed, int id) : feed_(feed), id_(id) {}
        ~Sub() override {
            std::lock_guard lock(feed_.mu_);
            feed_.subs_.erase(id_);
        }

    private:
        FakeFeed& feed_;
        int id_;
    };

    std::unique_ptr<Subscription> subscribe(const std::vector<std::string>& filters,
                                            Listener listener) override {
        std::lock_guard lock(mu_);
        subs_[++next_] = Entry{filters, std::move(listener)};
        last_filters_ = filters;
        return std::make_unique<Sub>(*this, next_);
    }

    void emit(const std::string& topic, const std::string& payload) {
        std::lock_guard lock(mu_);
        for (auto& [id, e] : subs_)
            for (const auto& f : e.filters)
                if (matches(f, topic)) {
                    e.listener(topic, payload);
                    break;
                }
    }
    std::size_t active() {
        std::lock_guard lock(mu_);
        return subs_.size();
    }
    std::vector<std::string> last_filters() {
        std::lock_guard lock(mu_);
        return last_filters_;
    }
    bool wait_active(std::size_t n) {
        for (int i = 0; i < 500 && active() != n; ++i) std::this_thread::sleep_for(10ms);
        return active() == n;
    }

private:
    std::mutex mu_;
    std::map<int, Entry> subs_;
    int next_ = 0;
    std::vector<std::string> last_filters_;
};

class FixedOverview final : public OverviewSource {
public:
    nlohmann::json overview() override { return {{"devices", {{"online", 3}}}}; }
};

// A raw connection reading the stream's bytes as they come.
class StreamReader {
public:
    StreamReader(std::uint16_t port, const std::string& target) : socket_(io_) {
        socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
        timeval tv{0, 100 * 1000};
        setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        std::string req = "GET " + target +
                          " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n"
                          "Authorization: Bearer " +
                          std::string(kToken) + "\r\n\r\n";
        boost::asio::write(socket_, boost::asio::buffer(req));
    }

    // Reads until `needle` has arrived (true) or `limit` passed.
    bool wait_for(const std::string& needle, std::chrono::milliseconds limit = 5s) {
        auto end = std::chrono::steady_clock::now() + limit;
        while (received_.find(needle) == std::string::npos) {
            if (std::chrono::steady_clock::now() > end) return false;
            char buf[4096];
            ssize_t n = ::recv(socket_.native_handle(), buf, sizeof buf, 0);
            if (n > 0) received_.append(buf, static_cast<std::size_t>(n));
            if (n == 0) return received_.find(needle) != std::string::npos;
        }
        return true;
    }
    const std::string& received() const { return received_; }
    void close() { socket_.close(); }

private:
    boost::asio::io_context io_;
    boost::asio::ip::tcp::socket socket_;
    std::string received_;
};

class LiveApiTest : public ::testing::Test {
protected:
    void SetUp() override { start({}); }

    void start(ApiOptions opts) {
        server_.reset();
        opts.bind = "127.0.0.1";
        opts.port = 0;
        opts.admin_token = kToken;
        Router router;
        add_live_routes(router, feed_, overview_);
        auto s = ApiServer::start(opts, std::move(router));
        ASSERT_TRUE(s.has_value()) << s.error().message;
        server_ = std::move(*s);
    }

    Reply get(const std::string& target, std::optional<std::string> token = std::string(kToken)) {
        Client c(server_->port());
        return c.request(http::verb::get, target, std::nullopt, token);
    }

    FakeFeed feed_;
    FixedOverview overview_;
    std::unique_ptr<ApiServer> server_;
};

TEST_F(LiveApiTest, StreamsTheDevicesPlatformMessagesAsEvents) {
    StreamReader r(server_->port(), "/api/v1/stream?productKey=pk1&deviceName=dev%3A1");
    ASSERT_TRUE(r.wait_for("\r\n\r\n")) << r.received();
    EXPECT_NE(r.received().find("HTTP/1.1 200"), std::string::npos);
    EXPECT_NE(r.received().find("Content-Type: text/event-stream"), std::string::npos);
    EXPECT_NE(r.received().find("Transfer-Encoding: chunked"), std::string::npos);
    ASSERT_TRUE(feed_.wait_active(1));
    auto filters = feed_.last_filters();
    EXPECT_NE(std::find(filters.begin(), filters.end(), "/as/mqtt/status/pk1/dev:1"),
              filters.end());

    feed_.emit("/as/mqtt/status/pk1/dev:1", R"({"status":"online"})");
    feed_.emit("/pk1/dev:1/thing/event/property/post", R"({"items":{"t":{"value":1}}})");
    feed_.emit("/pk1/dev:1/thing/event/alarm/post", R"({"identifier":"alarm"})");
    feed_.emit("/pk1/dev:1/thing/downlink/reply/message", R"({"code":200})");
    feed_.emit("/pk1/other/thing/event/property/post", R"({"other":true})");  // not this device
    ASSERT_TRUE(r.wait_for("event: reply\ndata: {\"code\":200}\n\n")) << r.received();
    EXPECT_NE(r.received().find("event: status\ndata: {\"status\":\"online\"}\n\n"),
              std::string::npos);
    EXPECT_NE(r.received().find("event: properties\ndata: {\"items\""), std::string::npos);
    EXPECT_NE(r.received().find("event: event\ndata: {\"identifier\":\"alarm\"}"),
              std::string::npos);
    EXPECT_EQ(r.received().find("other"), std::string::npos);
}

TEST_F(LiveApiTest, WithoutFiltersTheStreamCoversAllDevices) {
    StreamReader r(server_->port(), "/api/v1/stream");
    ASSERT_TRUE(feed_.wait_active(1));
    feed_.emit("/as/mqtt/status/a/b", R"({"n":1})");
    feed_.emit("/c/d/thing/validation/failed", R"({"n":2})");
    ASSERT_TRUE(r.wait_for("event: validation\ndata: {\"n\":2}")) << r.received();
    EXPECT_NE(r.received().find("event: status\ndata: {\"n\":1}"), std::string::npos);
}

TEST_F(LiveApiTest, TypesChooseTheEvents) {
    StreamReader r(server_->port(), "/api/v1/stream?productKey=p&types=status,event");
    ASSERT_TRUE(feed_.wait_active(1));
    feed_.emit("/p/d/thing/event/property/post", R"({"n":1})");     // not asked for
    feed_.emit("/p/d/thing/downlink/reply/message", R"({"n":2})");  // not asked for
    feed_.emit("/p/d/thing/event/alarm/post", R"({"n":3})");
    feed_.emit("/as/mqtt/status/p/d", R"({"n":4})");
    ASSERT_TRUE(r.wait_for("event: status\ndata: {\"n\":4}")) << r.received();
    EXPECT_NE(r.received().find("event: event\ndata: {\"n\":3}"), std::string::npos);
    EXPECT_EQ(r.received().find("\"n\":1"), std::string::npos);
    EXPECT_EQ(r.received().find("\"n\":2"), std::string::npos);

    auto bad = get("/api/v1/stream?types=status,gossip");
    EXPECT_EQ(bad.status, 400u);
    EXPECT_NE(bad.message().find("unknown event type 'gossip'"), std::string::npos);
}

TEST_F(LiveApiTest, TheSubscriptionEndsWhenTheClientLeaves) {
    {
        StreamReader r(server_->port(), "/api/v1/stream?productKey=pk1");
        ASSERT_TRUE(feed_.wait_active(1));
        r.close();
    }
    EXPECT_TRUE(feed_.wait_active(0));
    // Events for nobody are harmless.
    feed_.emit("/as/mqtt/status/pk1/x", "{}");
}

TEST_F(LiveApiTest, IdleStreamsSendHeartbeats) {
    ApiOptions opts;
    opts.stream_heartbeat = 50ms;
    start(opts);
    StreamReader r(server_->port(), "/api/v1/stream");
    ASSERT_TRUE(r.wait_for(": keep-alive\n\n")) << r.received();
    feed_.emit("/as/mqtt/status/a/b", "{}");
    EXPECT_TRUE(r.wait_for("event: status"));
}

TEST_F(LiveApiTest, StoppingTheServerEndsOpenStreams) {
    StreamReader r(server_->port(), "/api/v1/stream");
    ASSERT_TRUE(feed_.wait_active(1));
    server_->stop();
    EXPECT_EQ(feed_.active(), 0u);
}

TEST_F(LiveApiTest, BadStreamQueriesAre400) {
    auto r = get("/api/v1/stream?deviceName=d");
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.message(), "productKey: required with deviceName");
    r = get("/api/v1/stream?productKey=%2B");
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.message(), "productKey: not a product key");
    r = get("/api/v1/stream?productKey=p&deviceName=a%2Fb");
    EXPECT_EQ(r.status, 400u);
    r = get("/api/v1/stream?since=1");
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.code(), "UnknownField");
    r = get("/api/v1/stream", std::nullopt);
    EXPECT_EQ(r.status, 401u);
    EXPECT_EQ(feed_.active(), 0u);
}

TEST_F(LiveApiTest, OverviewAnswersTheSourcesFigures) {
    auto r = get("/api/v1/overview");
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.js()["devices"]["online"], 3);
    EXPECT_EQ(get("/api/v1/overview", std::nullopt).status, 401u);
}

}  // namespace
}  // namespace ts::api::test
