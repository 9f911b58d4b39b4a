#include "broker/worker.hpp"

#include <boost/asio/executor_work_guard.hpp>

#include "broker/broker.hpp"
#include "broker/connection.hpp"
#include "core/thread_name.hpp"

namespace ts::broker {

Worker::Worker(Broker& broker, std::size_t index)
    : broker_(broker), index_(index), ioc_(1), tick_(ioc_) {}

Worker::~Worker() {
    if (thread_.joinable()) {
        ioc_.stop();
        thread_.join();
    }
}

void Worker::add(std::shared_ptr<Connection> c) {
    c->worker_slot_ = static_cast<std::uint32_t>(connections_.size());
    connections_.push_back(std::move(c));
    stats_.connections.store(connections_.size(), std::memory_order_relaxed);
}

// The last connection takes the removed one's place.
void Worker::remove(Connection* c) {
    const std::uint32_t slot = c->worker_slot_;
    if (slot >= connections_.size() || connections_[slot].get() != c) return;  // not listed
    auto removed = std::move(connections_[slot]);  // released once the list is consistent
    if (slot + 1 != connections_.size()) {
        connections_[slot] = std::move(connections_.back());
        connections_[slot]->worker_slot_ = slot;
    }
    connections_.pop_back();
    stats_.connections.store(connections_.size(), std::memory_order_relaxed);
}

void Worker::arm_tick() {
    // Keepalive and connect timeouts are checked by one sweep per worker
    // rather than a timer per connection: cheaper with many idle clients.
    tick_.expires_after(std::chrono::milliseconds(250));
    tick_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        Millis now = broker_.clock().now_ms();
        std::vector<std::shared_ptr<Connection>> conns;
        conns.reserve(connections_.size());
        for (auto& c : connections_) conns.push_back(c);
        for (auto& c : conns) c->check_timeouts(now);
        arm_tick();
    });
}

void Worker::start() {
    arm_tick();
    thread_ = std::thread([this] {
        name_this_thread("ts-mqtt-" + std::to_string(index_));
        auto guard = boost::asio::make_work_guard(ioc_);
        ioc_.run();
    });
}

void Worker::stop() {
    ioc_.stop();
}

void Worker::join() {
    if (thread_.joinable()) thread_.join();
}

}  // namespace ts::broker
