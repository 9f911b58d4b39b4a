#pragma once
// One event-loop thread: its io_context, the connections it owns, and a
// periodic tick for keepalive and connect timeouts.
#include <cassert>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "broker/stats.hpp"
#include "core/clock.hpp"

namespace ts::broker {

class Broker;
class Connection;

class Worker {
public:
    Worker(Broker& broker, std::size_t index);
    ~Worker();

    boost::asio::io_context& ioc() { return ioc_; }
    Broker& broker() { return broker_; }
    std::size_t index() const { return index_; }
    WorkerStats& stats() { return stats_; }

    // Debug builds: stops when not called on this worker's thread. The
    // fields the broker marks "own thread" rely on it (docs/ARCHITECTURE.md).
    void assert_own_thread() const { assert(std::this_thread::get_id() == thread_id_); }
    // Driven mode (Broker::start_driven): the calling thread runs this worker.
    void adopt_calling_thread() { thread_id_ = std::this_thread::get_id(); }

    // Own thread.
    void add(std::shared_ptr<Connection> c);
    void remove(Connection* c);
    template <typename F>
    void for_each_connection(F&& f) {
        for (auto& c : connections_) f(c);
    }

    // Own thread. Connections accepted and not yet past CONNECT, counted by
    // address group (address_group()). admit_pending returns false, and
    // counts nothing, when this worker's share of either limit is reached.
    bool admit_pending(const std::string& group);
    void settle_pending(const std::string& group);
    std::size_t pending() const { return pending_total_; }

    // Own thread: keepalive and CONNECT timeouts of every connection, at the
    // broker's clock (run every 250 ms by start(), or by Broker::tick).
    void sweep();

    void start();
    void stop();  // stops the loop; call join() after
    void join();

private:
    void arm_tick();

    Broker& broker_;
    std::size_t index_;
    boost::asio::io_context ioc_;
    boost::asio::steady_timer tick_;
    // Each connection knows its index (Connection::worker_slot_): a list
    // rather than a map, one pointer pair per connection and no node.
    std::vector<std::shared_ptr<Connection>> connections_;
    WorkerStats stats_;
    std::unordered_map<std::string, std::uint32_t> pending_by_group_;
    std::size_t pending_total_ = 0;
    std::uint64_t refused_since_log_ = 0;  // summarised in the log once per interval
    Millis refused_logged_at_ = 0;
    std::string last_refused_group_;
    std::thread::id thread_id_;  // written before the loop runs, then read on it only
    std::thread thread_;
};

}  // namespace ts::broker
