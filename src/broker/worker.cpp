#include "broker/worker.hpp"

#include <boost/asio/executor_work_guard.hpp>

#include <algorithm>

#include "broker/broker.hpp"
#include "broker/connection.hpp"
#include "core/log.hpp"
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
    assert_own_thread();
    c->worker_slot_ = static_cast<std::uint32_t>(connections_.size());
    connections_.push_back(std::move(c));
    stats_.connections.store(connections_.size(), std::memory_order_relaxed);
}

// The last connection takes the removed one's place.
void Worker::remove(Connection* c) {
    assert_own_thread();
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

namespace {
// Each worker holds an equal share of a broker-wide limit: the kernel
// spreads connections over the workers' listeners, an attacker's too.
std::size_t share(std::size_t limit, std::size_t workers) {
    return (limit + workers - 1) / std::max<std::size_t>(1, workers);
}
constexpr Millis kRefusalLogInterval = 10'000;
}  // namespace

bool Worker::admit_pending(const std::string& group) {
    assert_own_thread();
    const auto& cfg = broker_.config();
    const std::size_t workers = broker_.worker_count();
    auto it = pending_by_group_.find(group);
    const std::uint32_t from_group = it == pending_by_group_.end() ? 0 : it->second;
    if (pending_total_ < share(cfg.max_pending_connects, workers) &&
        from_group < share(cfg.max_pending_connects_per_address, workers)) {
        if (it == pending_by_group_.end())
            pending_by_group_.emplace(group, 1);
        else
            ++it->second;
        ++pending_total_;
        return true;
    }
    WorkerStats::add(stats_.connections_refused, 1);
    // One line per interval, however many were refused: a flood must not
    // become a flood of log lines.
    ++refused_since_log_;
    last_refused_group_ = group;
    const Millis now = broker_.clock().now_ms();
    if (refused_logged_at_ == 0 || now - refused_logged_at_ >= kRefusalLogInterval) {
        log::get("broker")->warn(
            "refused {} connection(s) over the limits on connections not yet signed in "
            "(mqtt.max_pending_connects {}, per address {}), the last from {}",
            refused_since_log_, cfg.max_pending_connects, cfg.max_pending_connects_per_address,
            last_refused_group_);
        refused_since_log_ = 0;
        refused_logged_at_ = now;
    }
    return false;
}

void Worker::settle_pending(const std::string& group) {
    assert_own_thread();
    auto it = pending_by_group_.find(group);
    if (it == pending_by_group_.end()) return;
    if (--it->second == 0) pending_by_group_.erase(it);
    --pending_total_;
}

void Worker::arm_tick() {
    // Keepalive and connect timeouts are checked by one sweep per worker
    // rather than a timer per connection: cheaper with many idle clients.
    tick_.expires_after(std::chrono::milliseconds(250));
    tick_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        sweep();
        arm_tick();
    });
}

void Worker::sweep() {
    assert_own_thread();
    Millis now = broker_.clock().now_ms();
    // A copy: a connection that closes leaves the list while it is walked.
    std::vector<std::shared_ptr<Connection>> conns;
    conns.reserve(connections_.size());
    for (auto& c : connections_) conns.push_back(c);
    for (auto& c : conns) c->check_timeouts(now);
}

void Worker::start() {
    arm_tick();
    thread_ = std::thread([this] {
        name_this_thread("ts-mqtt-" + std::to_string(index_));
        thread_id_ = std::this_thread::get_id();
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
