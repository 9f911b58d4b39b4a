#pragma once
// One simulated device without I/O: its property values, the posts due at
// each tick and the answers to the platform's downlinks. The device thread
// (device_loop.cpp) moves the bytes.
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "app/sim/values.hpp"
#include "thing/thing_model.hpp"

namespace ts::app::sim {

struct Outgoing {
    std::string topic;
    std::string payload;
    bool event = false;  // an event post (else a property post or a reply)
};

// What a downlink was, for the counters.
enum class Received { PostAccepted, PostRefused, PropertySet, ServiceCall, Ignored };

// Alibaba's limit of properties in one post (6106).
inline constexpr std::size_t kMaxPropertiesPerPost = 200;
// A tick posts one of the model's events with this chance.
inline constexpr double kEventChance = 1.0 / 20;
// A value the platform set is reported unchanged this many posts before its
// walk goes on, so that it is seen.
inline constexpr int kHoldPosts = 5;

class SimThing {
public:
    SimThing(std::string pk, std::string dn, thing::ThingModelPtr model, std::uint64_t seed);

    // The posts due now: every property (in posts of at most 200) and, now
    // and then, one of the model's events with its output parameters.
    std::vector<Outgoing> tick();

    // The answer to a downlink: a property set is adopted and acknowledged;
    // async services, RRPC calls and legacy property gets are answered with
    // code 200 and valid output; a post reply is only counted. `what` says
    // what the message was.
    std::optional<Outgoing> receive(std::string_view topic, std::string_view payload,
                                    Received& what);

    // The wait before the next tick: the interval, give or take 20%.
    std::chrono::milliseconds next_delay(std::chrono::milliseconds interval);
    // The wait before the first tick, spreading a fleet's posts over the interval.
    std::chrono::milliseconds first_delay(std::chrono::milliseconds interval);

    const nlohmann::json& values() const { return values_; }

private:
    std::string next_id();
    void walk();
    Outgoing event_post();
    std::optional<Outgoing> answer_set(const nlohmann::json& request, std::string reply_topic);
    std::optional<Outgoing> answer_get(const nlohmann::json& request, std::string reply_topic);
    std::optional<Outgoing> answer_service(const std::string& service,
                                           const nlohmann::json& request, std::string reply_topic);

    std::string pk_, dn_;
    thing::ThingModelPtr model_;
    Rng rng_;
    std::uint64_t next_id_ = 1;
    nlohmann::json values_ = nlohmann::json::object();
    std::unordered_map<std::string, int> held_;  // property -> posts left unchanged
};

}  // namespace ts::app::sim
