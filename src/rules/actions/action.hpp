#pragma once
// A rule action: where a rule's output rows go (republish, webhook, database,
// NATS JetStream), with a bounded queue, retries with backoff and an overflow
// policy. The engine hands rows to an ActionRunner without ever blocking;
// the runner's own thread talks to the target.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "core/expected.hpp"

namespace ts::rules {

struct RetryPolicy {
    int max_attempts = 8;                   // first try included
    std::int64_t initial_backoff_ms = 200;  // doubled per retry
    std::int64_t max_backoff_ms = 10'000;
};

// What happens to a row offered to a full queue: it (DropNewest) or the
// oldest queued row (DropOldest) goes to the error action as "queue full".
enum class OverflowPolicy { DropNewest, DropOldest };

// A validated action definition, as stored with the rule.
struct ActionSpec {
    std::string type;       // republish | webhook | database | nats
    nlohmann::json config;  // the whole object as the user gave it
    RetryPolicy retry;
    std::size_t queue_limit = 10'000;
    OverflowPolicy overflow = OverflowPolicy::DropNewest;
};

// Checks an action object; the message names the field:
// "url: must be an http:// or https:// URL". `where` prefixes it
// (e.g. "actions[1]").
Expected<ActionSpec, std::string> parse_action(const nlohmann::json& j, const std::string& where);

// One output row on its way to a target, with the facts of the message that
// produced it (for ${...} templates and the error action).
struct ActionItem {
    nlohmann::json row;
    std::string topic;
    std::string payload;  // the source message's raw payload
    std::string product_key;
    std::string device_name;
    std::string client_ip;
    std::string message_id;
    std::int64_t timestamp_ms = 0;
    int attempts = 0;              // tries made so far
    std::int64_t enqueued_ms = 0;  // steady clock, for latency
};

struct SendError {
    std::string reason;
    bool retryable = true;  // false: straight to the error action
};

// Sends one item; called on the runner's thread only, may block, must honour
// its own timeout.
class Target {
public:
    virtual ~Target() = default;
    virtual Expected<void, SendError> send(const ActionItem& item) = 0;
};

// What targets need from the platform.
struct TargetEnv {
    // Republish: routes a message through the broker (thread-safe).
    std::function<void(std::string topic, std::string payload, int qos)> publish;
    std::string data_dir;  // the embedded SQLite database target lives here
    // Times the action runners' backoffs; null: the system clock.
    const Clock* clock = nullptr;
};

Expected<std::unique_ptr<Target>, std::string> make_target(const ActionSpec& spec,
                                                           const TargetEnv& env);

struct ActionStats {
    std::atomic<std::uint64_t> offered{0};
    std::atomic<std::uint64_t> passed{0};   // delivered
    std::atomic<std::uint64_t> failed{0};   // gave up (sent to the error action)
    std::atomic<std::uint64_t> dropped{0};  // overflow policy applied
    std::atomic<std::uint64_t> retries{0};
    std::atomic<std::uint64_t> queued{0};          // gauge
    std::atomic<std::uint64_t> latency_sum_ms{0};  // offer to delivery, delivered ones
    std::atomic<std::uint64_t> latency_max_ms{0};
};

class ActionRunner {
public:
    // Called with a row the target could not take: on the runner's thread
    // after retries, a refusal or "stopped"; on the thread calling offer()
    // for "queue full" (the overflow policy) and for offers after stop().
    // It must not block (normally it is the error action's offer()).
    using FailureSink = std::function<void(const ActionItem& item, const std::string& reason)>;

    // `clock` times the backoffs, the drain and the latency stats; it must
    // outlive the runner.
    ActionRunner(ActionSpec spec, std::unique_ptr<Target> target, FailureSink on_failure,
                 const Clock& clock);
    ~ActionRunner();  // stop()
    ActionRunner(const ActionRunner&) = delete;
    ActionRunner& operator=(const ActionRunner&) = delete;

    // Never blocks. False when the overflow policy refused this item.
    bool offer(ActionItem item);
    // Stops the thread; rows still queued after `drain_ms` go to the
    // failure sink with reason "stopped".
    void stop(std::int64_t drain_ms = 2000);
    // The first half of stop() without the wait, so that several runners
    // drain at the same time; stop() then only joins.
    void request_stop(std::int64_t drain_ms = 2000);

    const ActionSpec& spec() const;
    const ActionStats& stats() const;
    nlohmann::json stats_json() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ts::rules
