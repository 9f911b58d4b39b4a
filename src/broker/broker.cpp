#include "broker/broker.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include <boost/asio/post.hpp>

#include "broker/connection.hpp"
#include "broker/persistence.hpp"
#include "broker/topic.hpp"
#include "core/log.hpp"
#include "core/log_limiter.hpp"

namespace ts::broker {

namespace {
const std::shared_ptr<spdlog::logger>& logger() {
    static auto l = log::get("broker");
    return l;
}
using mqtt::ReasonCode;
constexpr std::uint32_t kNeverExpires = 0xFFFFFFFF;

ConnectResult refused(ReasonCode rc) {
    ConnectResult r;
    r.reason = rc;
    return r;
}
}  // namespace

namespace {
RetainedLimits retained_limits(const BrokerConfig& c) {
    RetainedLimits l;
    l.max_payload = c.max_retained_payload;
    l.max_messages = c.max_retained_messages;
    l.max_bytes = c.max_retained_bytes;
    l.max_per_owner = c.max_retained_per_client;
    l.max_bytes_per_owner = c.max_retained_bytes_per_client;
    return l;
}
}  // namespace

Broker::Broker(BrokerConfig config, const Clock& clock, store::BrokerStateStore& store)
    : config_(std::move(config)),
      clock_(clock),
      store_(store),
      retained_(retained_limits(config_)) {}

Broker::~Broker() = default;

void Broker::start(std::size_t threads) {
    started_at_ = last_sys_ = clock_.now_ms();
    for (std::size_t i = 0; i < std::max<std::size_t>(1, threads); ++i)
        workers_.push_back(std::make_unique<Worker>(*this, i));
    housekeeping_timer_ = std::make_unique<boost::asio::steady_timer>(workers_[0]->ioc());
    arm_housekeeping();
    for (auto& w : workers_) w->start();
}

void Broker::start_driven(std::size_t workers) {
    driven_ = true;
    started_at_ = last_sys_ = clock_.now_ms();
    for (std::size_t i = 0; i < std::max<std::size_t>(1, workers); ++i)
        workers_.push_back(std::make_unique<Worker>(*this, i));
    for (auto& w : workers_) w->adopt_calling_thread();
}

std::size_t Broker::run_pending() {
    std::size_t total = 0;
    while (true) {
        std::size_t ran = 0;
        for (auto& w : workers_) {
            w->ioc().restart();  // a context that ran out of work stays stopped until then
            ran += w->ioc().poll();
        }
        if (ran == 0) return total;
        total += ran;
    }
}

void Broker::tick() {
    for (auto& w : workers_) w->sweep();
    run_pending();
    housekeeping();
    run_pending();
}

std::vector<boost::asio::io_context*> Broker::contexts() {
    std::vector<boost::asio::io_context*> out;
    for (auto& w : workers_) out.push_back(&w->ioc());
    return out;
}

void Broker::accept(std::size_t thread_index, std::unique_ptr<net::Transport> t) {
    auto& w = *workers_.at(thread_index);
    if (stopping_) {
        t->close();
        return;
    }
    auto c = std::make_shared<Connection>(w, std::move(t));
    w.add(c);
    c->start();
}

std::string Broker::assign_client_id() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    return fmt::format("ts-{:x}-{}", rng() & 0xFFFFFFFFFFull,
                       next_client_number_.fetch_add(1, std::memory_order_relaxed));
}

ConnectResult Broker::connect(const ConnectionPtr& conn, mqtt::Connect& c) {
    if (stopping_) return refused(ReasonCode::ServerUnavailable);
    IdentityPtr identity;
    std::string session_key;
    std::string assigned;
    if (authenticator_) {
        const auto& t = conn->transport();
        auto auth = authenticator_->authenticate({c, t.remote_address(), t.kind()});
        if (auth.reason != ReasonCode::Success) {
            if (!auth.logged)
                logger()->info("remote={} client={} refused: {} ({})", t.remote_address(),
                               c.client_id, auth.why, mqtt::to_string(auth.reason));
            return refused(auth.reason);
        }
        identity = std::move(auth.identity);
        session_key = std::move(auth.session_key);
        assigned = std::move(auth.assigned_client_id);
        // A will is a publish the client makes later: the same topic rights
        // apply, checked now while the client can still be told.
        if (c.will && identity && !authenticator_->may_publish(*identity, c.will->topic)) {
            logger()->info("remote={} client={} refused: will topic {} not allowed",
                           t.remote_address(), c.client_id, c.will->topic);
            return refused(ReasonCode::NotAuthorized);
        }
    } else if (!config_.allow_anonymous && !c.username) {
        return refused(ReasonCode::BadUserNameOrPassword);
    }
    if (!identity)
        identity = std::make_shared<const ClientIdentity>(
            ClientIdentity{ClientIdentity::Kind::Anonymous, {}, {}, "anonymous"});
    if (c.client_id.empty()) c.client_id = assign_client_id();
    const std::string key = session_key.empty() ? c.client_id : session_key;
    std::uint64_t open = 0;
    for (const auto& w : workers_) open += w->stats().connections.load(std::memory_order_relaxed);
    // `open` counts this connection too.
    if (open > config_.max_clients) return refused(ReasonCode::ServerBusy);
    const bool v5 = c.version == mqtt::ProtocolVersion::v5;
    std::uint32_t expiry =
        v5 ? std::min(c.properties.session_expiry_interval.value_or(0), config_.max_session_expiry)
           : (c.clean_start ? 0 : kNeverExpires);

    WillPtr will_to_publish;
    ConnectResult result;
    {
        std::lock_guard reg(sessions_mutex_);
        SessionPtr s;
        if (auto it = sessions_.find(key); it != sessions_.end()) {
            s = it->second;
            std::unique_lock lock(s->mutex);
            // A session with no expiry lives as long as its network connection
            // (3.1.1 CleanSession=1, 5.0 Session Expiry 0): taking it over ends
            // it, and its state must not be reused [MQTT-3.1.2-6].
            const bool ends = c.clean_start || !s->persistent();
            if (s->conn) {
                // The session's reference goes with the kick: were it the
                // last, released here, the old connection (and its socket)
                // would be destroyed on this thread instead of its own.
                Connection::kick(std::move(s->conn), ReasonCode::SessionTakenOver, !ends);
                s->set_online(false);
                resume_all_locked(*s);
            }
            // A new connection ends the will delay: the will is dropped when the
            // session resumes and sent now when it ends (spec 3.1.3.2.2).
            if (s->pending_will && ends) will_to_publish = std::move(s->pending_will);
            s->pending_will.reset();
            lock.unlock();
            offline_.erase(s);
            if (ends) {
                end_session(s);
                s.reset();
            }
        }
        if (s) {
            result.session_present = true;
        } else {
            s = std::make_shared<Session>(key);
            put_session_locked(s);
        }
        std::lock_guard lock(s->mutex);
        s->version = c.version;
        s->expiry_interval_s = expiry;
        // The outgoing window is the client's receive maximum, capped by our
        // own max_inflight: a 3.1.1 client (or a 5.0 one that states none)
        // would otherwise get 65,535 messages in flight, each acknowledgement
        // and packet id then costing a scan of that whole window.
        s->send_window = static_cast<std::uint16_t>(
            std::min<std::uint32_t>(c.properties.receive_maximum.value_or(65535),
                                    std::max<std::uint32_t>(1, config_.max_inflight)));
        s->disconnected_at = 0;
        if (s->persistent()) persist_session_locked(*s);
        result.session = s;
        result.identity = identity;
        result.assigned_client_id = std::move(assigned);
    }
    if (will_to_publish) publish_will(std::move(*will_to_publish));
    return result;
}

void Broker::store_retained(const MessagePtr& msg, std::string_view owner) {
    const auto outcome = retained_.set(msg, owner);
    if (refused(outcome)) {
        note_retain_refused(owner.empty() ? std::string_view("the platform") : owner, msg->topic,
                            outcome);
        return;
    }
    // $SYS figures are recomputed after a restart, so they are not stored.
    if (outcome != RetainOutcome::Unchanged && !msg->topic.starts_with("$SYS/")) {
        if (msg->payload.empty()) {
            store_.delete_retained(msg->topic);
        } else {
            store::RetainedRecord r;
            r.topic = msg->topic;
            r.payload = std::string(msg->payload.view());
            r.qos = static_cast<std::uint8_t>(msg->qos);
            r.properties = encode_properties(msg->properties.get());
            r.expiry_wall_ms =
                msg->expiry_at ? clock_.wall_ms() + (msg->expiry_at - clock_.now_ms()) : 0;
            store_.put_retained(std::move(r));
        }
    }
}

void Broker::note_retain_refused(std::string_view who, std::string_view topic, RetainOutcome why) {
    retained_refused_.fetch_add(1, std::memory_order_relaxed);
    if (auto n = retained_refusal_log_.pass(clock_.now_ms()))
        logger()->warn("not retained: {} from {} on {} ({} refused in the last interval)",
                       to_string(why), clip_for_log(who), clip_for_log(topic), n);
}

std::size_t Broker::forget_retained(
    const std::function<bool(const std::string& topic, const std::string& owner)>& match) {
    auto topics = retained_.erase_if(match);
    for (auto& t : topics)
        if (!t.starts_with("$SYS/")) store_.delete_retained(std::move(t));
    return topics.size();
}

void Broker::route(const MessagePtr& msg, Session* must_reach, std::string_view retain_owner) {
    if (msg->retain) store_retained(msg, retain_owner);
    thread_local std::vector<Match> matches;
    matches.clear();
    bool any_sinks = false;
    std::size_t filters = 0;
    {
        std::shared_lock lock(index_mutex_);
        filters = index_.match(msg->topic, matches);
        any_sinks = index_.sink_count() > 0;
    }
    // Sinks are called after the sessions' deliveries are queued, so a rule's
    // work never delays a subscriber.
    std::vector<std::shared_ptr<MessageSink>> sinks;
    if (any_sinks) take_sinks(*msg, matches, sinks);
    bool reached = false;
    // One delivery per session for its plain subscriptions: the highest QoS
    // and every subscription identifier of the overlapping filters. Only
    // several filters can overlap: a fan-out to one filter's thousand
    // subscribers skips the sort (and its buffer) per message.
    if (filters > 1 && matches.size() > 1) {
        std::stable_sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) {
            if (a.session != b.session) return a.session < b.session;
            return !a.share && b.share;
        });
    }
    const bool alone = matches.size() == 1 && !must_reach;
    for (std::size_t i = 0; i < matches.size();) {
        const Match& m = matches[i];
        Delivery d;
        d.msg = msg;
        d.share = m.share;
        auto qos = std::min(msg->qos, m.options.max_qos);
        bool rap = m.options.retain_as_published;
        bool no_local = m.options.no_local;
        if (m.subscription_id) d.subscription_ids.push_back(m.subscription_id);
        std::size_t j = i + 1;
        if (!m.share) {
            for (; j < matches.size() && matches[j].session == m.session && !matches[j].share;
                 ++j) {
                qos = std::max(qos, std::min(msg->qos, matches[j].options.max_qos));
                rap = rap || matches[j].options.retain_as_published;
                no_local = no_local && matches[j].options.no_local;
                if (matches[j].subscription_id)
                    d.subscription_ids.push_back(matches[j].subscription_id);
            }
        }
        i = j;
        if (m.session.get() == must_reach && !m.share) reached = true;
        if (no_local && m.session.get() == msg->origin) continue;
        d.qos = qos;
        d.retain = rap && msg->retain;
        deliver_routed(m.session, std::move(d), alone);
    }
    if (must_reach && !reached) {
        Delivery d;
        d.msg = msg;
        d.qos = msg->qos;
        end_run();  // what this client sent before goes first
        deliver(*must_reach, std::move(d));
    }
    if (!sinks.empty()) feed_sinks(*msg, sinks);
}

ReasonCode Broker::subscribe(const SessionPtr& s, const mqtt::TopicSubscription& t,
                             std::uint32_t subscription_id, std::vector<Delivery>& retained) {
    auto shared = parse_shared(t.filter);
    std::string_view filter =
        shared ? std::string_view(shared->filter) : std::string_view(t.filter);
    std::string_view group = shared ? std::string_view(shared->group) : std::string_view();
    {
        std::lock_guard lock(s->mutex);
        if (!s->subscriptions.contains(t.filter) &&
            s->subscriptions.size() >= config_.max_subscriptions_per_client)
            return ReasonCode::QuotaExceeded;
        s->subscriptions[t.filter] = {t.options, subscription_id};
        if (s->persistent()) {
            std::uint8_t opts =
                static_cast<std::uint8_t>(t.options.max_qos) | (t.options.no_local ? 0x04 : 0) |
                (t.options.retain_as_published ? 0x08 : 0) |
                static_cast<std::uint8_t>(static_cast<std::uint8_t>(t.options.retain_handling)
                                          << 4);
            store_.put_subscription({s->client_id, t.filter, opts, subscription_id});
        }
    }
    bool is_new;
    {
        std::unique_lock lock(index_mutex_);
        is_new = index_.add(filter, group, Subscriber{s, t.options, subscription_id, nullptr});
    }
    auto rh = t.options.retain_handling;
    if (!shared && (rh == mqtt::RetainHandling::SendAtSubscribe ||
                    (rh == mqtt::RetainHandling::SendAtSubscribeIfNew && is_new))) {
        for (auto& msg : retained_.match(filter, clock_.now_ms())) {
            Delivery d;
            d.msg = msg;
            d.qos = std::min(msg->qos, t.options.max_qos);
            d.retain = true;
            if (subscription_id) d.subscription_ids.push_back(subscription_id);
            retained.push_back(std::move(d));
        }
    }
    return static_cast<ReasonCode>(t.options.max_qos);
}

ReasonCode Broker::unsubscribe(const SessionPtr& s, const std::string& filter) {
    auto shared = parse_shared(filter);
    bool existed;
    {
        std::lock_guard lock(s->mutex);
        existed = s->subscriptions.erase(filter) > 0;
        if (existed && s->persistent()) store_.delete_subscription(s->client_id, filter);
    }
    {
        std::unique_lock lock(index_mutex_);
        index_.remove(shared ? shared->filter : filter, shared ? shared->group : std::string(),
                      s.get());
    }
    return existed ? ReasonCode::Success : ReasonCode::NoSubscriptionExisted;
}

void Broker::disconnected(const ConnectionPtr& conn, const SessionPtr& s, WillPtr will) {
    if (!s) {
        if (will) publish_will(std::move(*will));
        return;
    }
    WillPtr publish_now;
    DeliveryQueue shared_items;
    {
        std::lock_guard reg(sessions_mutex_);
        std::unique_lock lock(s->mutex);
        if (s->conn != conn) {
            // Taken over meanwhile: the new owner decided about this session.
            lock.unlock();
            if (will) publish_will(std::move(*will));
            return;
        }

        s->conn.reset();
        s->set_online(false);
        s->disconnected_at = clock_.now_ms();
        resume_all_locked(*s);  // an offline session pauses nobody
        if (will) {
            std::uint32_t delay = will->properties.will_delay_interval.value_or(0);
            if (delay == 0 || !s->persistent()) {
                publish_now = std::move(will);
            } else {
                std::uint32_t wait = std::min(delay, s->expiry_interval_s);
                s->pending_will = std::move(will);
                s->pending_will_delay_s = wait;
            }
        }
        if (!s->persistent()) {
            lock.unlock();
            end_session(s);
        } else {
            // Messages from shared subscriptions go to a member still online.
            for (auto* list : {&s->inflight, &s->queue}) {
                for (auto it = list->begin(); it != list->end();) {
                    if (it->share && !it->pubrel_pending) {
                        if (it->persisted) store_.delete_message(s->client_id, it->seq);
                        shared_items.push_back(std::move(*it));
                        it = list->erase(it);
                    } else {
                        ++it;
                    }
                }
            }
            persist_session_locked(*s);
            for (auto& d : s->inflight) persist_delivery_locked(*s, d);
            for (auto& d : s->queue) persist_delivery_locked(*s, d);
            offline_.insert(s);
        }
    }
    // Outside every lock: the observer publishes the status message.
    if (observer_) observer_->on_offline(*conn->identity(), conn->transport().remote_address());
    reroute_shared(shared_items, s.get());
    if (publish_now) publish_will(std::move(*publish_now));
}

void Broker::put_session_locked(SessionPtr s) {
    // The key views the session's own id: an entry never outlives its session,
    // and a replaced entry goes with its key.
    if (auto it = sessions_.find(s->client_id); it != sessions_.end()) sessions_.erase(it);
    std::string_view key = s->client_id;
    sessions_.emplace(key, std::move(s));
}

void Broker::end_session(const SessionPtr& s) {
    SessionSubscriptions subs;
    DeliveryQueue items;
    WillPtr will;
    bool was_persistent;
    {
        std::lock_guard lock(s->mutex);
        s->ended = true;
        resume_all_locked(*s);
        subs = std::move(s->subscriptions);
        for (auto& d : s->inflight)
            if (d.share && !d.pubrel_pending) items.push_back(std::move(d));
        for (auto& d : s->queue)
            if (d.share) items.push_back(std::move(d));
        s->inflight.clear();
        s->queue.clear();
        will = std::move(s->pending_will);
        s->pending_will.reset();
        was_persistent = s->persistent();
    }
    {
        std::unique_lock lock(index_mutex_);
        for (const auto& [f, sub] : subs) {
            auto shared = parse_shared(f);
            index_.remove(shared ? shared->filter : f, shared ? shared->group : std::string(),
                          s.get());
        }
    }
    if (auto it = sessions_.find(s->client_id); it != sessions_.end() && it->second == s)
        sessions_.erase(it);
    offline_.erase(s);
    if (was_persistent) store_.delete_session(s->client_id);
    reroute_shared(items, s.get());
    if (will) publish_will(std::move(*will));
}

void Broker::reroute_shared(DeliveryQueue& items, const Session* from) {
    for (auto& d : items) {
        Match m;
        {
            std::shared_lock lock(index_mutex_);
            m = index_.pick_member(*d.share, from);
        }
        if (!m.session) continue;
        Delivery nd;
        nd.msg = d.msg;
        nd.qos = std::min(d.msg->qos, m.options.max_qos);
        nd.retain = m.options.retain_as_published && d.msg->retain;
        if (m.subscription_id) nd.subscription_ids.push_back(m.subscription_id);
        nd.share = m.share;
        deliver(*m.session, std::move(nd));
    }
}

void Broker::publish_will(mqtt::Will&& w) {
    auto msg = std::make_shared<Message>();
    msg->topic = std::move(w.topic);
    msg->payload = std::move(w.payload);
    msg->qos = w.qos;
    msg->retain = w.retain;
    if (w.properties.message_expiry_interval)
        msg->expiry_at = clock_.now_ms() + Millis{*w.properties.message_expiry_interval} * 1000;
    w.properties.message_expiry_interval.reset();
    w.properties.will_delay_interval.reset();
    if (!(w.properties == mqtt::Properties{}))
        msg->properties = std::make_shared<const mqtt::Properties>(std::move(w.properties));
    publish(msg);
}

void Broker::arm_housekeeping() {
    housekeeping_timer_->expires_after(std::chrono::milliseconds(200));
    housekeeping_timer_->async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopping_) return;
        housekeeping();
        arm_housekeeping();
    });
}

void Broker::housekeeping() {
    Millis now = clock_.now_ms();
    std::vector<mqtt::Will> wills;
    {
        std::lock_guard reg(sessions_mutex_);
        std::vector<SessionPtr> expired;
        for (const auto& s : offline_) {
            std::lock_guard lock(s->mutex);
            if (s->pending_will &&
                now - s->disconnected_at >= Millis{s->pending_will_delay_s} * 1000) {
                wills.push_back(std::move(*s->pending_will));
                s->pending_will.reset();
            }
            if (s->expiry_interval_s != kNeverExpires &&
                now - s->disconnected_at >= Millis{s->expiry_interval_s} * 1000)
                expired.push_back(s);
        }
        for (auto& s : expired) {
            logger()->debug("client={} session expired", s->client_id);
            end_session(s);
        }
    }
    for (auto& w : wills) publish_will(std::move(w));
    if (config_.sys_interval_s > 0 && now - last_sys_ >= Millis{config_.sys_interval_s} * 1000) {
        last_sys_ = now;
        publish_sys();
    }
}

BrokerTotals Broker::totals() const {
    BrokerTotals t;
    for (const auto& w : workers_) {
        auto& s = const_cast<Worker&>(*w).stats();
        t.messages_received += s.messages_received.load(std::memory_order_relaxed);
        t.messages_sent += s.messages_sent.load(std::memory_order_relaxed);
        t.bytes_received += s.bytes_received.load(std::memory_order_relaxed);
        t.bytes_sent += s.bytes_sent.load(std::memory_order_relaxed);
        t.connections += s.connections.load(std::memory_order_relaxed);
        t.connections_refused += s.connections_refused.load(std::memory_order_relaxed);
        t.publishes_denied += s.publishes_denied.load(std::memory_order_relaxed);
    }
    t.retained_refused = retained_refused_.load(std::memory_order_relaxed);
    {
        std::lock_guard reg(sessions_mutex_);
        t.sessions = sessions_.size();
    }
    {
        std::shared_lock lock(index_mutex_);
        t.subscriptions = index_.size();
    }
    t.retained = retained_.size();
    t.retained_bytes = retained_.bytes();
    t.dropped = dropped_.load(std::memory_order_relaxed);
    return t;
}

void Broker::stop() {
    if (stopping_.exchange(true)) return;
    logger()->info("stopping: disconnecting clients and saving state");
    for (auto& w : workers_) {
        boost::asio::post(w->ioc(), [&w = *w] {
            w.for_each_connection([](const ConnectionPtr& c) { c->shutdown_close(); });
        });
    }
    if (driven_) run_pending();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (!driven_ && std::chrono::steady_clock::now() < deadline) {
        std::uint64_t open = 0;
        for (auto& w : workers_) open += w->stats().connections.load();
        if (open == 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    for (auto& w : workers_) w->stop();
    for (auto& w : workers_) w->join();
    store_.flush();
}

}  // namespace ts::broker

namespace ts::broker {

void Broker::disconnect_matching(std::function<bool(const ClientIdentity&)> match,
                                 mqtt::ReasonCode reason) {
    auto shared_match =
        std::make_shared<std::function<bool(const ClientIdentity&)>>(std::move(match));
    for (auto& w : workers_) {
        boost::asio::post(w->ioc(), [&w = *w, shared_match, reason] {
            w.for_each_connection([&](const ConnectionPtr& c) {
                if (c->identity() && (*shared_match)(*c->identity()))
                    c->close_for(reason, "closed by an administrator");
            });
        });
    }
}

void Broker::publish_from_platform(std::string topic, std::string payload, mqtt::QoS qos,
                                   bool retain, bool from_rule) {
    auto m = std::make_shared<Message>();
    m->topic = std::move(topic);
    m->payload = SharedBuffer::copy_of(payload);
    m->qos = qos;
    m->retain = retain;
    m->from_rule = from_rule;
    m->from_platform = true;
    publish(m);
}

void Broker::add_sink(const std::string& filter, std::shared_ptr<MessageSink> sink) {
    std::unique_lock lock(index_mutex_);
    index_.add_sink(filter, std::move(sink));
}

void Broker::remove_sink(const std::string& filter, const MessageSink* sink) {
    std::unique_lock lock(index_mutex_);
    index_.remove_sink(filter, sink);
}

bool Broker::publish_to_client(const std::string& session_key, std::string topic,
                               std::string payload, mqtt::QoS qos) {
    SessionPtr target;
    {
        std::lock_guard lock(sessions_mutex_);
        auto it = sessions_.find(session_key);
        if (it != sessions_.end()) target = it->second;
    }
    auto m = std::make_shared<Message>();
    m->topic = std::move(topic);
    m->payload = SharedBuffer::copy_of(payload);
    m->qos = qos;
    route(m, target && target->online() ? target.get() : nullptr);
    return target && target->online();
}

std::string Broker::client_local_address(const std::string& session_key) {
    SessionPtr target;
    {
        std::lock_guard lock(sessions_mutex_);
        auto it = sessions_.find(session_key);
        if (it != sessions_.end()) target = it->second;
    }
    if (!target) return {};
    std::lock_guard lock(target->mutex);
    // The transport lives as long as the connection and its address never
    // changes, so reading it from this thread is safe.
    return target->conn ? target->conn->transport().local_address() : std::string();
}

}  // namespace ts::broker
