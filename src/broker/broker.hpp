#pragma once
// The broker: owns the event-loop workers, the session registry, the
// subscription index and retained messages, and routes every publication.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "broker/authenticator.hpp"
#include "broker/config.hpp"
#include "broker/log_gate.hpp"
#include "broker/message.hpp"
#include "broker/message_sink.hpp"
#include "broker/retained_store.hpp"
#include "broker/session.hpp"
#include "broker/stats.hpp"
#include "broker/subscription_index.hpp"
#include "broker/worker.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/expected.hpp"
#include "net/transport.hpp"
#include "store/broker_state.hpp"

namespace ts::broker {

class Connection;
using ConnectionPtr = std::shared_ptr<Connection>;

struct ConnectResult {
    mqtt::ReasonCode reason = mqtt::ReasonCode::Success;
    bool session_present = false;
    SessionPtr session;
    IdentityPtr identity;
    std::string assigned_client_id;  // from the authenticator, for CONNACK
};

class Broker {
public:
    Broker(BrokerConfig config, const Clock& clock, store::BrokerStateStore& store);
    ~Broker();

    // Restores retained messages and persistent sessions from the store.
    Expected<void, Error> load();
    void start(std::size_t threads);
    // In-process tests: starts `workers` workers without threads or timers.
    // The caller runs what they have to do (run_pending) and the periodic
    // work (tick) on its own thread, with the clock it gave the broker.
    void start_driven(std::size_t workers);
    // Driven mode: runs every worker's ready handlers until none is left;
    // returns how many ran.
    std::size_t run_pending();
    // Driven mode: one round of the periodic work, as the timers would run
    // it at the clock's time: each worker's sweep (keepalive, CONNECT
    // timeouts), then housekeeping (will delays, session expiry, $SYS).
    void tick();
    std::vector<boost::asio::io_context*> contexts();
    // Called on worker `thread_index`'s thread with a handshaken transport.
    void accept(std::size_t thread_index, std::unique_ptr<net::Transport> t);
    // Graceful stop: 5.0 clients get DISCONNECT 0x8B, persistent sessions and
    // retained messages are flushed to the store, threads are joined.
    void stop();

    // Plugged in by app/ before start(); without an authenticator every
    // client is anonymous and may use every topic.
    void set_authenticator(Authenticator* a) { authenticator_ = a; }
    void set_observer(ConnectionObserver* o) { observer_ = o; }
    void set_message_tap(MessageTap* t) { tap_ = t; }
    MessageTap* message_tap() const { return tap_; }
    Authenticator* authenticator() const { return authenticator_; }
    ConnectionObserver* observer() const { return observer_; }
    // Closes every connection whose identity `match` accepts (a device was
    // disabled or deleted), from each connection's own thread.
    void disconnect_matching(std::function<bool(const ClientIdentity&)> match,
                             mqtt::ReasonCode reason);
    // Publishes a message from the platform itself (API, status messages).
    void publish_from_platform(std::string topic, std::string payload, mqtt::QoS qos, bool retain,
                               bool from_rule = false);
    // Platform consumers (the rules engine) on the subscription index: the
    // sink is called on the routing thread for every message matching
    // `filter`, after the sessions' deliveries are queued.
    void add_sink(const std::string& filter, std::shared_ptr<MessageSink> sink);
    void remove_sink(const std::string& filter, const MessageSink* sink);
    // Publishes a message from the platform that must reach the client whose
    // session key is `session_key` even when it never subscribed to the topic
    // (system downlinks: Alibaba's C SDKs do not subscribe to them). Other
    // subscribers get it as usual; the client gets it once. Returns false
    // when that client has no session or is not connected.
    bool publish_to_client(const std::string& session_key, std::string topic, std::string payload,
                           mqtt::QoS qos);
    // The address the client whose session key is `session_key` reached
    // this server on (its connection's local address); empty when it is not
    // connected.
    std::string client_local_address(const std::string& session_key);

    const BrokerConfig& config() const { return config_; }
    std::size_t worker_count() const { return workers_.size(); }
    const Clock& clock() const { return clock_; }
    BrokerTotals totals() const;

    // --- used by connections, on their own thread ---
    ConnectResult connect(const ConnectionPtr& conn, mqtt::Connect& c);
    // Routes a publication to matching sessions; stores/clears it when
    // retained, as `retain_owner`'s (the publishing client's session key)
    // within the retained limits: a message whose retention is refused is
    // still routed, and counted.
    void publish(const MessagePtr& msg, std::string_view retain_owner = {}) {
        route(msg, nullptr, retain_owner);
    }
    // Whether a retained message of this size would be kept for `owner` now.
    RetainOutcome check_retain(std::string_view topic, std::size_t payload_size,
                               std::string_view owner) const {
        return retained_.check(topic, payload_size, owner);
    }
    // Clears the retained messages `match` accepts (a deleted device's),
    // from memory and the store; returns how many.
    std::size_t forget_retained(
        const std::function<bool(const std::string& topic, const std::string& owner)>& match);
    // Counts a refused retention and logs it (one line per interval).
    void note_retain_refused(std::string_view who, std::string_view topic, RetainOutcome why);
    // Adds a subscription and appends the retained messages it asks for to
    // `retained` (the caller delivers them after its SUBACK). Returns the
    // granted QoS or an error reason code.
    mqtt::ReasonCode subscribe(const SessionPtr& s, const mqtt::TopicSubscription& t,
                               std::uint32_t subscription_id, std::vector<Delivery>& retained);
    mqtt::ReasonCode unsubscribe(const SessionPtr& s, const std::string& filter);
    // The connection attached to `s` is gone. `will` is published now, later
    // (will delay) or never, per the rules of the spec.
    void disconnected(const ConnectionPtr& conn, const SessionPtr& s, WillPtr will);

    // --- delivery (delivery.cpp); any thread ---
    void deliver(Session& s, Delivery d);
    // Sends what the window allows from the session's queue. Holds s.mutex.
    void drain_locked(Session& s);
    // Resends in-flight messages (DUP) and the queue to a newly attached client.
    void resume_locked(Session& s);
    bool acknowledge_locked(Session& s, const Ack& r);  // true: window freed
    // PUBACK / PUBREC / PUBCOMP from the session's client, in the order read:
    // one lock and one refill of the window for all of them.
    void acknowledge(Session& s, std::span<const Ack> acks);

    // --- backpressure (delivery.cpp) ---
    // While in scope on a connection's thread, deliveries come from that
    // client's PUBLISH: when a target session is over its high-water mark,
    // the client's reads are paused until the session drains.
    class PublisherScope {
    public:
        explicit PublisherScope(Connection* c);
        ~PublisherScope();
        PublisherScope(const PublisherScope&) = delete;
        PublisherScope& operator=(const PublisherScope&) = delete;

    private:
        Connection* previous_;
    };
    // While in scope on a connection's thread, the deliveries of that
    // client's messages to one other session are queued in runs, under one
    // lock of the session (delivery.cpp). The last run is delivered when the
    // outermost scope ends.
    class RunScope {
    public:
        explicit RunScope(Broker& b);
        ~RunScope();
        RunScope(const RunScope&) = delete;
        RunScope& operator=(const RunScope&) = delete;

    private:
        Broker& broker_;
    };
    static constexpr std::size_t kDeliveryRun = 32;
    // Delivers the pending run, if any (before a packet that is not a PUBLISH).
    void end_run();
    // Resumes every publisher paused on `s` (it went offline, ended or was
    // taken over). Holds s.mutex.
    void resume_all_locked(Session& s);

    std::uint64_t count_dropped() { return ++dropped_; }

private:
    // Delivers to every matching subscription, and to `must_reach` (if set)
    // whether or not one of its subscriptions matches.
    void route(const MessagePtr& msg, Session* must_reach, std::string_view retain_owner = {});
    void store_retained(const MessagePtr& msg, std::string_view owner);
    // Moves the sink matches out of `matches` (none for a rule's own output).
    static void take_sinks(const Message& msg, std::vector<Match>& matches,
                           std::vector<std::shared_ptr<MessageSink>>& sinks);
    static void feed_sinks(const Message& msg,
                           const std::vector<std::shared_ptr<MessageSink>>& sinks);
    void end_session(const SessionPtr& s);  // caller holds sessions_mutex_
    // Adds `s` under its client_id, replacing (and key and all) any session
    // there; caller holds sessions_mutex_.
    void put_session_locked(SessionPtr s);
    void reroute_shared(DeliveryQueue& items, const Session* from);
    // A routed delivery: joins this thread's run when `alone` (the message's
    // only target) and a RunScope is open, else is delivered now.
    void deliver_routed(const SessionPtr& s, Delivery&& d, bool alone);
    void deliver_locked(Session& s, Delivery&& d);
    // Backpressure helpers (delivery.cpp); all hold s.mutex.
    bool over_high_water_locked(const Session& s) const;
    void pause_publisher_locked(Session& s);
    void maybe_resume_locked(Session& s);
    void housekeeping();
    void arm_housekeeping();
    void publish_will(mqtt::Will&& w);
    void publish_sys();
    void persist_session_locked(Session& s);
    void persist_delivery_locked(Session& s, Delivery& d);
    std::string assign_client_id();

    BrokerConfig config_;
    const Clock& clock_;
    Authenticator* authenticator_ = nullptr;
    ConnectionObserver* observer_ = nullptr;
    MessageTap* tap_ = nullptr;
    store::BrokerStateStore& store_;
    std::vector<std::unique_ptr<Worker>> workers_;
    std::unique_ptr<boost::asio::steady_timer> housekeeping_timer_;
    Millis started_at_ = 0;
    Millis last_sys_ = 0;

    mutable std::shared_mutex index_mutex_;
    SubscriptionIndex index_;
    RetainedStore retained_;

    mutable std::mutex sessions_mutex_;
    // Keyed by a view of the session's own client_id (one copy of every id,
    // not two); entries are only added by put_session_locked.
    std::unordered_map<std::string_view, SessionPtr> sessions_;
    std::unordered_set<SessionPtr> offline_;  // sessions kept while their client is away

    std::atomic<std::uint64_t> dropped_{0};
    std::atomic<std::uint64_t> retained_refused_{0};
    LogGate retained_refusal_log_{10'000};
    std::atomic<std::uint64_t> next_client_number_{1};
    std::atomic<bool> stopping_{false};
    bool driven_ = false;  // start_driven: no threads, no timers
};

}  // namespace ts::broker
