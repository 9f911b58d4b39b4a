#pragma once
// One event-loop thread: its io_context, the connections it owns, and a
// periodic tick for keepalive and connect timeouts.
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "broker/stats.hpp"

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

    // Own thread.
    void add(std::shared_ptr<Connection> c);
    void remove(Connection* c);
    template <typename F>
    void for_each_connection(F&& f) {
        for (auto& c : connections_) f(c);
    }

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
    std::thread thread_;
};

}  // namespace ts::broker
