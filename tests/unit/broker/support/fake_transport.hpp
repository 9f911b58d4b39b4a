#pragma once
// A byte stream in memory for in-process broker tests: the test writes a
// client's bytes into it and reads what the broker wrote, and every
// completion is posted to the worker's io_context, as a socket's would be,
// so that the broker runs exactly as it does on a socket when the test calls
// Broker::run_pending().
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/transport.hpp"

namespace ts::broker::testing {

// What the client side and the broker side share.
struct Pipe {
    boost::asio::io_context* ioc = nullptr;
    std::vector<std::uint8_t> to_broker;    // written by the client, not yet read
    std::vector<std::uint8_t> from_broker;  // written by the broker, not yet taken
    bool client_closed = false;
    bool server_closed = false;
    // The broker's outstanding read.
    std::optional<boost::asio::mutable_buffer> read_buffer;
    net::Transport::Handler read_handler;
    // False once the transport is destroyed: completions posted before
    // are then dropped uncalled (the Transport contract).
    std::shared_ptr<bool> alive = std::make_shared<bool>(true);

    void post(net::Transport::Handler h, boost::system::error_code ec, std::size_t n) {
        boost::asio::post(*ioc, [h = std::move(h), ec, n, alive = alive] {
            if (*alive) h(ec, n);
        });
    }
    // Completes the outstanding read with what the client sent, or its close.
    void complete_read() {
        if (!read_handler) return;
        if (!to_broker.empty()) {
            std::size_t n = std::min(read_buffer->size(), to_broker.size());
            std::memcpy(read_buffer->data(), to_broker.data(), n);
            to_broker.erase(to_broker.begin(), to_broker.begin() + static_cast<std::ptrdiff_t>(n));
            read_buffer.reset();
            post(std::exchange(read_handler, nullptr), {}, n);
        } else if (client_closed || server_closed) {
            read_buffer.reset();
            const boost::system::error_code ec =
                client_closed ? boost::system::error_code(boost::asio::error::eof)
                              : boost::system::error_code(boost::asio::error::operation_aborted);
            post(std::exchange(read_handler, nullptr), ec, 0);
        }
    }
};

class FakeTransport final : public net::Transport {
public:
    FakeTransport(std::shared_ptr<Pipe> pipe, std::string address)
        : pipe_(std::move(pipe)), address_(std::move(address)) {}
    ~FakeTransport() override {
        *pipe_->alive = false;
        pipe_->server_closed = true;
        pipe_->read_handler = nullptr;
    }

    void async_read_some(boost::asio::mutable_buffer buf, Handler h) override {
        pipe_->read_buffer = buf;
        pipe_->read_handler = std::move(h);
        pipe_->complete_read();
    }
    void async_write(const std::vector<boost::asio::const_buffer>& bufs, Handler h) override {
        std::size_t n = 0;
        for (const auto& b : bufs) {
            const auto* p = static_cast<const std::uint8_t*>(b.data());
            pipe_->from_broker.insert(pipe_->from_broker.end(), p, p + b.size());
            n += b.size();
        }
        pipe_->post(std::move(h), {}, n);
    }
    void close() override {
        pipe_->server_closed = true;
        pipe_->complete_read();
    }
    void shutdown() override { close(); }
    const std::string& remote_address() const override { return address_; }
    std::uint16_t remote_port() const override { return 40000; }
    std::string_view kind() const override { return "tcp"; }

private:
    std::shared_ptr<Pipe> pipe_;
    std::string address_;
};

}  // namespace ts::broker::testing
