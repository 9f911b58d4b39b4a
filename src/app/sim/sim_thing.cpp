#include "app/sim/sim_thing.hpp"

#include <algorithm>

#include "app/sim/alink.hpp"

namespace ts::app::sim {
namespace {

using nlohmann::json;

constexpr int kOk = 200;
constexpr int kBadParams = 460;  // PROTOCOL.md 4.1: request parameter error

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

json parse(std::string_view payload) {
    return json::parse(payload, nullptr, false);
}

Outgoing reply(const json& request, int code, json data, std::string topic) {
    const json id = request.is_object() ? request.value("id", json()) : json();
    return Outgoing{std::move(topic), alink_reply(id, code, std::move(data)).dump(), false};
}

}  // namespace

SimThing::SimThing(std::string pk, std::string dn, thing::ThingModelPtr model, std::uint64_t seed)
    : pk_(std::move(pk)), dn_(std::move(dn)), model_(std::move(model)), rng_(seed) {
    if (!model_) return;
    for (const auto& p : model_->properties)
        values_[p.identifier] = random_value(p.data_type, rng_);
}

std::string SimThing::next_id() {
    return std::to_string(next_id_++);
}

void SimThing::walk() {
    for (const auto& p : model_->properties) {
        if (auto h = held_.find(p.identifier); h != held_.end()) {
            if (--h->second <= 0) held_.erase(h);
            continue;
        }
        values_[p.identifier] = next_value(p.data_type, values_[p.identifier], rng_);
    }
}

std::vector<Outgoing> SimThing::tick() {
    std::vector<Outgoing> out;
    if (!model_) return out;
    const std::string topic = property_post_topic(pk_, dn_);
    json params = json::object();
    auto flush = [&] {
        if (params.empty()) return;
        out.push_back(
            {topic, alink_request(next_id(), "thing.event.property.post", std::move(params)).dump(),
             false});
        params = json::object();
    };
    // Values are walked only after the first post, which reports the starting
    // values; held values stay as the platform set them.
    if (next_id_ > 1) walk();
    for (const auto& p : model_->properties) {
        params[p.identifier] = values_[p.identifier];
        if (params.size() == kMaxPropertiesPerPost) flush();
    }
    flush();
    if (!model_->events.empty() && std::bernoulli_distribution(kEventChance)(rng_))
        out.push_back(event_post());
    return out;
}

Outgoing SimThing::event_post() {
    const auto& events = model_->events;
    const auto& e = events[std::uniform_int_distribution<std::size_t>(0, events.size() - 1)(rng_)];
    json params = {{"value", random_params(e.output, rng_)}, {"time", now_ms()}};
    return {
        event_post_topic(pk_, dn_, e.identifier),
        alink_request(next_id(), "thing.event." + e.identifier + ".post", std::move(params)).dump(),
        true};
}

std::optional<Outgoing> SimThing::receive(std::string_view topic, std::string_view payload,
                                          Received& what) {
    what = Received::Ignored;
    const Downlink d = classify_downlink(pk_, dn_, topic);
    if (d.kind == DownlinkKind::Other) return std::nullopt;
    const json message = parse(payload);
    switch (d.kind) {
        case DownlinkKind::PostReply: {
            const bool ok = message.is_object() && message.contains("code") &&
                            message["code"].is_number_integer() && message["code"] == kOk;
            what = ok ? Received::PostAccepted : Received::PostRefused;
            return std::nullopt;
        }
        case DownlinkKind::PropertySet:
            what = Received::PropertySet;
            return answer_set(message, d.reply_topic);
        case DownlinkKind::PropertyGet:
            what = Received::ServiceCall;
            return answer_get(message, d.reply_topic);
        case DownlinkKind::Service:
            what = Received::ServiceCall;
            return answer_service(d.service, message, d.reply_topic);
        case DownlinkKind::Rrpc: {
            what = Received::ServiceCall;
            const json method = message.is_object() ? message.value("method", json()) : json();
            const std::string service =
                method.is_string() ? service_of_method(method.get<std::string>()) : "";
            return answer_service(service, message, d.reply_topic);
        }
        case DownlinkKind::Other:
            break;
    }
    return std::nullopt;
}

std::optional<Outgoing> SimThing::answer_set(const json& request, std::string reply_topic) {
    const json params = request.is_object() ? request.value("params", json()) : json();
    if (!params.is_object() || !model_)
        return reply(request, kBadParams, json::object(), std::move(reply_topic));
    // The platform checked the values already; anything unknown or invalid is
    // left out rather than refused, as lenient devices do.
    for (auto it = params.begin(); it != params.end(); ++it) {
        const auto* p = model_->find_property(it.key());
        if (!p || thing::validate_value(p->data_type, it.value(), it.key())) continue;
        values_[it.key()] = it.value();
        held_[it.key()] = kHoldPosts;
    }
    return reply(request, kOk, json::object(), std::move(reply_topic));
}

std::optional<Outgoing> SimThing::answer_get(const json& request, std::string reply_topic) {
    const json params = request.is_object() ? request.value("params", json()) : json();
    if (!params.is_array())
        return reply(request, kBadParams, json::object(), std::move(reply_topic));
    json data = json::object();
    for (const auto& id : params)
        if (id.is_string() && values_.contains(id.get<std::string>()))
            data[id.get<std::string>()] = values_[id.get<std::string>()];
    return reply(request, kOk, std::move(data), std::move(reply_topic));
}

std::optional<Outgoing> SimThing::answer_service(const std::string& service, const json& request,
                                                 std::string reply_topic) {
    const auto* s = model_ && !service.empty() ? model_->find_service(service) : nullptr;
    if (!s) return reply(request, kBadParams, json::object(), std::move(reply_topic));
    return reply(request, kOk, random_params(s->output, rng_), std::move(reply_topic));
}

std::chrono::milliseconds SimThing::next_delay(std::chrono::milliseconds interval) {
    const double f = std::uniform_real_distribution<double>(0.8, 1.2)(rng_);
    return std::max(std::chrono::milliseconds(1),
                    std::chrono::milliseconds(
                        static_cast<std::int64_t>(static_cast<double>(interval.count()) * f)));
}

std::chrono::milliseconds SimThing::first_delay(std::chrono::milliseconds interval) {
    return std::chrono::milliseconds(
        std::uniform_int_distribution<std::int64_t>(0, interval.count())(rng_));
}

}  // namespace ts::app::sim
