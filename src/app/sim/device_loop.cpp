// The device thread. MqttClient is synchronous, so the loop alternates:
// post when a tick is due, otherwise receive with a deadline of the next
// tick or kPoll, whichever is sooner, so a stop is seen within kPoll.
#include "app/sim/device_loop.hpp"

#include <algorithm>
#include <iostream>
#include <thread>

#include "app/cli/mqtt_client.hpp"
#include "app/cli/pubsub.hpp"
#include "app/sim/alink.hpp"
#include "app/sim/sim_thing.hpp"

namespace ts::app::sim {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kPoll{100};
constexpr milliseconds kFirstBackoff{1000};
constexpr milliseconds kMaxBackoff{10000};

std::int64_t now_ms() {
    return std::chrono::duration_cast<milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Sleeps for `d`, waking early when `stop` is set.
void pause(milliseconds d, const std::atomic<bool>& stop) {
    const auto until = Clock::now() + d;
    while (!stop.load(std::memory_order_relaxed)) {
        const auto now = Clock::now();
        if (now >= until) return;
        std::this_thread::sleep_for(std::min<Clock::duration>(kPoll, until - now));
    }
}

cli::MqttResult<void> sign_in(cli::MqttClient& client, const DeviceConfig& c) {
    cli::MqttConnectOptions o;
    o.host = c.host;
    o.port = c.port;
    o.keep_alive_s = 60;
    cli::Identity who;
    who.kind = cli::Identity::Kind::Device;
    who.product_key = c.product_key;
    who.device_name = c.device_name;
    who.device_secret = c.device_secret;
    cli::apply_identity(who, now_ms(), "", o);
    if (auto r = client.connect(o); !r) return r;
    for (const auto& filter : downlink_filters(c.product_key, c.device_name)) {
        if (auto s = client.subscribe(filter, mqtt::QoS::AtLeastOnce); !s)
            return unexpected(s.error());
    }
    return {};
}

void count(Counters& counters, Received what) {
    switch (what) {
        case Received::PostAccepted:
            bump(counters.replies_ok);
            break;
        case Received::PostRefused:
            bump(counters.replies_other);
            break;
        case Received::PropertySet:
            bump(counters.sets);
            break;
        case Received::ServiceCall:
            bump(counters.services);
            break;
        case Received::Ignored:
            break;
    }
}

// The connection of one device and what happens to it.
class DeviceRun {
public:
    DeviceRun(const DeviceConfig& c, Counters& counters, FirstConnect& first)
        : c_(c),
          counters_(counters),
          first_(first),
          thing_(c.product_key, c.device_name, c.model, c.seed) {}

    void run(const std::atomic<bool>& stop) {
        while (!stop.load(std::memory_order_relaxed)) {
            if (!online_) {
                if (!connect()) {
                    pause(backoff_, stop);
                    backoff_ = std::min(backoff_ * 2, kMaxBackoff);
                }
                continue;
            }
            if (Clock::now() >= next_tick_ && !post()) continue;
            const auto deadline = std::min(next_tick_, Clock::now() + kPoll);
            auto msg = client_.receive(deadline);
            if (!msg) {
                lost(msg.error().message);
                continue;
            }
            if (*msg) answer(**msg);
        }
        if (online_) {
            client_.disconnect();
            counters_.online.fetch_sub(1, std::memory_order_relaxed);
        }
    }

private:
    bool connect() {
        if (auto r = sign_in(client_, c_); !r) {
            client_.disconnect();
            report("cannot connect to " + c_.host + ":" + c_.port + ": " + r.error().message);
            first_.failed(r.error().message);
            return false;
        }
        online_ = true;
        quiet_ = false;
        backoff_ = kFirstBackoff;
        counters_.online.fetch_add(1, std::memory_order_relaxed);
        first_.online();
        next_tick_ = Clock::now() + thing_.first_delay(c_.interval);
        return true;
    }

    bool post() {
        for (const auto& out : thing_.tick()) {
            if (auto s = client_.publish(out.topic, out.payload, mqtt::QoS::AtLeastOnce, false);
                !s) {
                lost(s.error().message);
                return false;
            }
            bump(counters_.posts);
            if (out.event) bump(counters_.events);
        }
        next_tick_ += thing_.next_delay(c_.interval);
        // A device that fell behind (a slow broker) starts afresh rather than
        // posting a burst to catch up.
        if (const auto now = Clock::now(); next_tick_ < now) next_tick_ = now + c_.interval;
        return true;
    }

    void answer(const mqtt::Publish& p) {
        Received what = Received::Ignored;
        auto reply = thing_.receive(p.topic, p.payload.view(), what);
        if (reply) {
            // Replies go out at QoS 0, as RRPC responses must.
            if (auto s =
                    client_.publish(reply->topic, reply->payload, mqtt::QoS::AtMostOnce, false);
                !s) {
                lost(s.error().message);
                return;
            }
        }
        count(counters_, what);
    }

    void lost(const std::string& why) {
        client_.disconnect();
        online_ = false;
        counters_.online.fetch_sub(1, std::memory_order_relaxed);
        report("connection lost: " + why);
    }

    // Counts the problem; prints only the first after a good spell, so a
    // broker that is down does not flood the terminal with retries.
    void report(const std::string& what) {
        bump(counters_.errors);
        if (quiet_) return;
        quiet_ = true;
        std::cerr << ("thingstead sim: " + c_.device_name + ": " + what + "\n") << std::flush;
    }

    const DeviceConfig& c_;
    Counters& counters_;
    FirstConnect& first_;
    SimThing thing_;
    cli::MqttClient client_;
    bool online_ = false;
    bool quiet_ = false;
    milliseconds backoff_ = kFirstBackoff;
    Clock::time_point next_tick_;
};

}  // namespace

void FirstConnect::online() {
    int pending = Pending;
    state_.compare_exchange_strong(pending, Online, std::memory_order_acq_rel);
}

void FirstConnect::failed(std::string error) {
    if (state_.load(std::memory_order_relaxed) != Pending) return;
    error_ = std::move(error);
    state_.store(Failed, std::memory_order_release);
}

void run_device(const DeviceConfig& config, Counters& counters, FirstConnect& first,
                const std::atomic<bool>& stop) {
    DeviceRun(config, counters, first).run(stop);
}

}  // namespace ts::app::sim
