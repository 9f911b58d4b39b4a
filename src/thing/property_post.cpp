// Property posts (single, batch/pack, history): each value is checked
// against the product's thing model, the accepted ones are stored (latest
// value and history), the device is answered once they are committed, and
// the post is forwarded to server-side subscribers on
// /{pk}/{dn}/thing/event/property/post (PROTOCOL.md 3.16).
#include "core/log.hpp"
#include "thing/forwarded_post.hpp"
#include "thing/thing_service.hpp"

namespace ts::thing {

namespace {

constexpr std::size_t kMaxPropertiesPerPost = 200;
constexpr std::int64_t kMaxClockLeadMs = 24LL * 3600 * 1000;
constexpr std::string_view kPostMethod = "thing.event.property.post";

// A time as devices send it: a number of ms, or digits in a string.
std::optional<std::int64_t> read_time(const nlohmann::json& t) {
    if (t.is_number_integer()) return t.get<std::int64_t>();
    if (t.is_number_float()) {
        double d = t.get<double>();
        if (d >= 0 && d < 9.2e18) return static_cast<std::int64_t>(d);
        return std::nullopt;
    }
    if (t.is_string()) {
        const auto& s = t.get_ref<const std::string&>();
        if (s.empty() || s.size() > 18) return std::nullopt;
        std::int64_t v = 0;
        for (char c : s) {
            if (c < '0' || c > '9') return std::nullopt;
            v = v * 10 + (c - '0');
        }
        return v;
    }
    return std::nullopt;
}

struct Checked {
    std::vector<store::PropertyValue> accepted;
    nlohmann::json failures = nlohmann::json::object();  // identifier -> message
    std::optional<ValueError> first;
    nlohmann::json failed_items = nlohmann::json::object();
};

// One value of one property: `entry` is {value, time} or a bare value.
void check_one(const ThingModel* model, registry::ValidationMode mode, const std::string& id,
               const nlohmann::json& entry, std::int64_t now, Checked& out) {
    const nlohmann::json* value = &entry;
    std::int64_t time = now;
    std::optional<ValueError> err;
    if (entry.is_object() && entry.contains("value")) {
        value = &entry["value"];
        if (auto t = entry.find("time"); t != entry.end() && !t->is_null()) {
            auto parsed = read_time(*t);
            if (!parsed)
                err = ValueError{460, "tsl parse: time is not a number of milliseconds -> " + id};
            else
                time = *parsed;
        }
    }
    if (!err && time > now + kMaxClockLeadMs)
        err = ValueError{460, "tsl parse: time is more than 24 hours ahead -> " + id};
    if (!err && mode != registry::ValidationMode::Off) {
        const Property* p = model ? model->find_property(id) : nullptr;
        if (!p)
            err = ValueError{6304, "tsl parse: params not exist -> " + id};
        else
            err = validate_value(p->data_type, *value, id);
    }
    if (err) {
        out.failures[id] = err->message;
        out.failed_items[id] = {
            {"value", *value}, {"time", time}, {"code", err->code}, {"message", err->message}};
        if (!out.first) out.first = std::move(err);
        return;
    }
    out.accepted.push_back(store::PropertyValue{
        id, value->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), time});
}

}  // namespace

void ThingService::on_property_post(Uplinked& u) {
    counters_.property_posts.fetch_add(1, std::memory_order_relaxed);
    const auto& params = u.request.params;
    if (!params.is_object()) {
        reply(u, 460, nlohmann::json::object(),
              "request parameter error: params must be a JSON object of properties", kPostMethod);
        return;
    }
    if (params.size() > kMaxPropertiesPerPost) {
        reply(u, 6106, nlohmann::json::object(), "too many properties: at most 200 in one post",
              kPostMethod);
        return;
    }
    auto model = model_of(u.pk);
    auto mode = validation_mode(u.pk);
    Checked c;
    c.accepted.reserve(params.size());
    for (const auto& [id, entry] : params.items())
        check_one(model.get(), mode, id, entry, u.received_wall, c);

    if (c.first) {
        counters_.validation_failures.fetch_add(1, std::memory_order_relaxed);
        forward_validation_failure(u, kPostMethod, c.failed_items,
                                   mode != registry::ValidationMode::Strict && !c.accepted.empty());
    }
    if (c.first && mode == registry::ValidationMode::Strict) {
        // Rejected whole: nothing of it is stored.
        reply(u, c.first->code, c.failures, c.first->message, kPostMethod);
        return;
    }
    if (c.accepted.empty()) {
        reply(u, c.first ? c.first->code : 200, c.failures, c.first ? c.first->message : "success",
              kPostMethod);
        return;
    }
    const std::size_t n = c.accepted.size();
    std::string forwarded = forwarded_post(u.pk, u.dn, u.received_wall, c.accepted, c.failed_items);
    // pk and dn are copied first: `u` moves into the callback in the same call.
    const std::string pk = u.pk, dn = u.dn;
    store_.put_properties(
        pk, dn, std::move(c.accepted),
        [this, u = std::move(u), n, failures = std::move(c.failures),
         forwarded = std::move(forwarded)](bool ok) mutable {
            if (!ok) {
                reply(u, 500, nlohmann::json::object(),
                      "system error: the values could not be stored", kPostMethod);
                return;
            }
            counters_.property_values_stored.fetch_add(n, std::memory_order_relaxed);
            reply(u, 200, failures, "success", kPostMethod);
            link_.publish("/" + u.pk + "/" + u.dn + "/thing/event/property/post",
                          std::move(forwarded));
        });
}

// batch/post and pack/post: {"properties": {id: [{value,time},…] or
// {value,time}}, "events": {id: [{value,time},…]}}. Every value must pass in
// strict mode (PROTOCOL.md 3.7: "all verifications must pass").
void ThingService::on_batch_post(Uplinked& u) {
    counters_.property_posts.fetch_add(1, std::memory_order_relaxed);
    const std::string_view method = u.kind == Uplink::PackPost ? "thing.event.property.pack.post"
                                                               : "thing.event.property.batch.post";
    const auto& params = u.request.params;
    if (!params.is_object()) {
        reply(u, 460, nlohmann::json::object(),
              "request parameter error: params must be a JSON object", method);
        return;
    }
    if (params.contains("subDevices") && !params["subDevices"].empty()) {
        reply(u, 6401, nlohmann::json::object(),
              "sub-device data needs a gateway topology, which this device does not have", method);
        return;
    }
    auto model = model_of(u.pk);
    auto mode = validation_mode(u.pk);
    Checked c;
    std::size_t count = 0;
    if (auto props = params.find("properties"); props != params.end()) {
        if (!props->is_object()) {
            reply(u, 460, nlohmann::json::object(),
                  "request parameter error: properties must be an object", method);
            return;
        }
        for (const auto& [id, samples] : props->items()) {
            if (samples.is_array()) {
                for (const auto& s : samples) {
                    if (++count > kMaxPropertiesPerPost) break;
                    check_one(model.get(), mode, id, s, u.received_wall, c);
                }
            } else {
                ++count;
                check_one(model.get(), mode, id, samples, u.received_wall, c);
            }
        }
    }
    if (count > kMaxPropertiesPerPost) {
        reply(u, 6106, nlohmann::json::object(), "too many properties: at most 200 in one post",
              method);
        return;
    }
    // Events in a batch: each sample is validated and stored like a post.
    std::vector<store::EventRecord> events;
    if (auto evs = params.find("events"); evs != params.end() && evs->is_object()) {
        for (const auto& [id, samples] : evs->items()) {
            const Event* e = model ? model->find_event(id) : nullptr;
            auto one = [&](const nlohmann::json& s) {
                const nlohmann::json& value = s.is_object() && s.contains("value") ? s["value"] : s;
                std::int64_t time = u.received_wall;
                if (s.is_object())
                    if (auto t = s.find("time"); t != s.end())
                        if (auto parsed = read_time(*t)) time = *parsed;
                std::optional<ValueError> err;
                if (mode != registry::ValidationMode::Off) {
                    if (!e)
                        err = ValueError{6304, "tsl parse: event not exist -> " + id};
                    else
                        err = validate_params(e->output, value);
                }
                if (err) {
                    c.failures[id] = err->message;
                    if (!c.first) c.first = err;
                    return;
                }
                events.push_back(store::EventRecord{
                    u.pk, u.dn, id, std::string(e ? to_string(e->type) : "info"),
                    value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), time});
            };
            if (samples.is_array())
                for (const auto& s : samples) one(s);
            else
                one(samples);
        }
    }
    if (c.first) {
        counters_.validation_failures.fetch_add(1, std::memory_order_relaxed);
        forward_validation_failure(u, method, c.failed_items,
                                   mode != registry::ValidationMode::Strict);
    }
    if (c.first && mode == registry::ValidationMode::Strict) {
        reply(u, c.first->code, c.failures, c.first->message, method);
        return;
    }
    for (auto& e : events) store_.put_event(std::move(e), nullptr);
    const std::size_t n = c.accepted.size();
    const std::string pk = u.pk, dn = u.dn;  // `u` moves into the callback
    store_.put_properties(pk, dn, std::move(c.accepted),
                          [this, u = std::move(u), n, failures = std::move(c.failures),
                           method = std::string(method)](bool ok) {
                              if (!ok) {
                                  reply(u, 500, nlohmann::json::object(),
                                        "system error: the values could not be stored", method);
                                  return;
                              }
                              counters_.property_values_stored.fetch_add(n,
                                                                         std::memory_order_relaxed);
                              reply(u, 200, failures, "success", method);
                          });
}

// history/post: params is an array of {"identity":{productKey,deviceName},
// "properties":[{id:{value,time}}], "events":[…]}; only the device's own
// identity is accepted until gateways come.
void ThingService::on_history_post(Uplinked& u) {
    constexpr std::string_view method = "thing.event.property.history.post";
    const auto& params = u.request.params;
    if (!params.is_array()) {
        reply(u, 460, nlohmann::json::object(), "request parameter error: params must be an array",
              method);
        return;
    }
    auto model = model_of(u.pk);
    auto mode = validation_mode(u.pk);
    Checked c;
    std::size_t count = 0;
    for (const auto& entry : params) {
        if (!entry.is_object()) continue;
        if (auto id = entry.find("identity"); id != entry.end() && id->is_object()) {
            if (id->value("productKey", u.pk) != u.pk || id->value("deviceName", u.dn) != u.dn) {
                reply(u, 6401, nlohmann::json::object(),
                      "history for another device needs a gateway topology", method);
                return;
            }
        }
        if (auto props = entry.find("properties"); props != entry.end() && props->is_array()) {
            for (const auto& group : *props) {
                if (!group.is_object()) continue;
                for (const auto& [pid, sample] : group.items()) {
                    if (++count > kMaxPropertiesPerPost) break;
                    check_one(model.get(), mode, pid, sample, u.received_wall, c);
                }
            }
        }
    }
    if (count > kMaxPropertiesPerPost) {
        reply(u, 6106, nlohmann::json::object(), "too many properties: at most 200 in one post",
              method);
        return;
    }
    if (c.first && mode == registry::ValidationMode::Strict) {
        reply(u, c.first->code, c.failures, c.first->message, method);
        return;
    }
    const std::size_t n = c.accepted.size();
    // pk and dn are copied first: `u` moves into the callback in the same call.
    const std::string pk = u.pk, dn = u.dn;
    store_.put_properties(
        pk, dn, std::move(c.accepted),
        [this, u = std::move(u), n, failures = std::move(c.failures), method](bool ok) {
            if (!ok) {
                reply(u, 500, nlohmann::json::object(),
                      "system error: the values could not be stored", method);
                return;
            }
            counters_.property_values_stored.fetch_add(n, std::memory_order_relaxed);
            reply(u, 200, failures, "success", method);
        });
}

}  // namespace ts::thing
