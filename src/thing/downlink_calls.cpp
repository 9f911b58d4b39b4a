// Calls the platform makes on devices: property set, async services
// (/thing/service/{id} answered on {id}_reply) and sync services over RRPC
// (/rrpc/request/{msgId} answered on /rrpc/response/{msgId}, the API caller
// waiting). Every call is recorded with its answer.
#include <chrono>

#include "core/log.hpp"
#include "thing/thing_service.hpp"

namespace ts::thing {

namespace {
const std::shared_ptr<spdlog::logger>& logger() {
    static auto l = log::get("thing");
    return l;
}

std::string dump(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
}  // namespace

ThingResult<CallOutcome> ThingService::send_call(const std::string& pk, const std::string& dn,
                                                 const std::string& identifier,
                                                 const std::string& topic,
                                                 const std::string& method,
                                                 const nlohmann::json& params) {
    const std::string id = next_message_id();
    store::CallRecord rec;
    rec.id = id;
    rec.product_key = pk;
    rec.device_name = dn;
    rec.identifier = identifier;
    rec.params_json = dump(params);
    rec.request_time = clock_.wall_ms();
    rec.status = "sent";
    {
        // Recorded before sending, so a fast reply finds it, and queued for
        // the store first, so the reply's record is written after it.
        std::lock_guard lock(calls_mutex_);
        if (pending_calls_.size() >= options_.max_pending_calls) pending_calls_.clear();
        pending_calls_[id] = rec;
    }
    store_.put_call(rec);
    if (!link_.send_to_device(pk, dn, topic, alink_downlink(id, method, params), 0)) {
        {
            std::lock_guard lock(calls_mutex_);
            pending_calls_.erase(id);
        }
        rec.status = "offline";
        store_.put_call(rec);
        return unexpected(
            ThingError{ThingErrc::DeviceOffline, "device " + pk + "/" + dn + " is not connected"});
    }
    counters_.downlinks_sent.fetch_add(1, std::memory_order_relaxed);
    CallOutcome out;
    out.message_id = id;
    return out;
}

namespace {
// Checks API params against a list of thing model parameters (service input)
// or properties (set), naming the field in API terms.
std::optional<ThingError> check_set_params(const ThingModel* model, const nlohmann::json& params) {
    if (!params.is_object() || params.empty())
        return ThingError{ThingErrc::InvalidArgument,
                          "params: must be a non-empty object of property values"};
    for (const auto& [id, value] : params.items()) {
        const Property* p = model ? model->find_property(id) : nullptr;
        if (!p)
            return ThingError{ThingErrc::InvalidArgument,
                              "params." + id + ": no such property in the thing model"};
        if (p->access_mode == AccessMode::ReadOnly)
            return ThingError{ThingErrc::InvalidArgument,
                              "params." + id + ": the property is read-only"};
        if (auto err = validate_value(p->data_type, value, id))
            return ThingError{ThingErrc::InvalidArgument, "params." + id + ": " + err->message};
    }
    return std::nullopt;
}
}  // namespace

ThingResult<CallOutcome> ThingService::set_properties(const std::string& pk, const std::string& dn,
                                                      const nlohmann::json& params) {
    if (auto ok = check_device(pk, dn); !ok) return unexpected(ok.error());
    if (validation_mode(pk) != registry::ValidationMode::Off) {
        auto model = model_of(pk);
        if (auto err = check_set_params(model.get(), params)) return unexpected(*err);
    } else if (!params.is_object()) {
        return unexpected(ThingError{ThingErrc::InvalidArgument, "params: must be an object"});
    }
    return send_call(pk, dn, "set", "/sys/" + pk + "/" + dn + "/thing/service/property/set",
                     "thing.service.property.set", params);
}

ThingResult<CallOutcome> ThingService::invoke_service(const std::string& pk, const std::string& dn,
                                                      const std::string& service,
                                                      const nlohmann::json& params,
                                                      std::optional<int> timeout_ms) {
    if (auto ok = check_device(pk, dn); !ok) return unexpected(ok.error());
    if (!params.is_object())
        return unexpected(ThingError{ThingErrc::InvalidArgument, "params: must be an object"});
    auto model = model_of(pk);
    const Service* svc = model ? model->find_service(service) : nullptr;
    const bool off = validation_mode(pk) == registry::ValidationMode::Off;
    if (!svc && !off)
        return unexpected(ThingError{ThingErrc::ServiceNotFound,
                                     "service " + service + " is not in the thing model of " + pk});
    if (svc && !off) {
        if (auto err = validate_params(svc->input, params))
            return unexpected(ThingError{ThingErrc::InvalidArgument, "params: " + err->message});
    }
    const std::string method = "thing.service." + service;
    if (!svc || svc->call_type == CallType::Async)
        return send_call(pk, dn, service, "/sys/" + pk + "/" + dn + "/thing/service/" + service,
                         method, params);

    // Sync: RRPC. The waiter is registered before the request goes out.
    int timeout = timeout_ms.value_or(options_.default_call_timeout_ms);
    if (timeout < 1 || timeout > options_.max_call_timeout_ms)
        return unexpected(
            ThingError{ThingErrc::InvalidArgument,
                       "timeoutMs: must be 1.." + std::to_string(options_.max_call_timeout_ms)});
    const std::string id = next_message_id();
    auto waiter = std::make_shared<RrpcWaiter>();
    {
        std::lock_guard lock(calls_mutex_);
        rrpc_waiters_[id] = waiter;
    }
    store::CallRecord rec;
    rec.id = id;
    rec.product_key = pk;
    rec.device_name = dn;
    rec.identifier = service;
    rec.params_json = dump(params);
    rec.request_time = clock_.wall_ms();
    auto forget = [&] {
        std::lock_guard lock(calls_mutex_);
        rrpc_waiters_.erase(id);
    };
    if (!link_.send_to_device(pk, dn, "/sys/" + pk + "/" + dn + "/rrpc/request/" + id,
                              alink_downlink(id, method, params), 0)) {
        forget();
        rec.status = "offline";
        store_.put_call(rec);
        return unexpected(
            ThingError{ThingErrc::DeviceOffline, "device " + pk + "/" + dn + " is not connected"});
    }
    counters_.downlinks_sent.fetch_add(1, std::memory_order_relaxed);
    std::string answer;
    bool answered = false;
    {
        std::unique_lock lock(waiter->mutex);
        answered = waiter->cv.wait_for(lock, std::chrono::milliseconds(timeout),
                                       [&] { return waiter->done; });
        if (answered) answer = std::move(waiter->payload);
    }
    forget();
    if (!answered) {
        rec.status = "timeout";
        store_.put_call(rec);
        return unexpected(ThingError{ThingErrc::DeviceTimeout,
                                     "device " + pk + "/" + dn + " did not answer " + service +
                                         " within " + std::to_string(timeout) + " ms"});
    }
    CallOutcome out;
    out.message_id = id;
    out.sync = true;
    out.code = 200;
    out.data = nlohmann::json::object();
    auto parsed = parse_json(answer);
    if (parsed && parsed->is_object()) {
        if (auto c = parsed->find("code"); c != parsed->end() && c->is_number_integer())
            out.code = c->get<int>();
        if (auto d = parsed->find("data"); d != parsed->end()) out.data = *d;
        if (auto m = parsed->find("message"); m != parsed->end() && m->is_string())
            out.message = *m;
    } else {
        // A raw RRPC answer: handed back as text.
        out.data = {{"payload", answer}};
    }
    rec.status = "replied";
    rec.reply_code = out.code;
    rec.reply_data_json = dump(out.data);
    rec.reply_message = out.message;
    rec.reply_time = clock_.wall_ms();
    store_.put_call(rec);
    return out;
}

void ThingService::on_rrpc_response(const std::string& pk, const std::string& dn,
                                    std::string_view msg_id, std::string_view payload) {
    std::shared_ptr<RrpcWaiter> w;
    {
        std::lock_guard lock(calls_mutex_);
        auto it = rrpc_waiters_.find(std::string(msg_id));
        if (it != rrpc_waiters_.end()) w = it->second;
    }
    counters_.replies_received.fetch_add(1, std::memory_order_relaxed);
    if (!w) {
        logger()->info("device={}/{} rrpc response {} matches no waiting call (late?)", pk, dn,
                       msg_id);
        return;
    }
    {
        std::lock_guard lock(w->mutex);
        w->payload = std::string(payload);
        w->done = true;
    }
    w->cv.notify_all();
}

void ThingService::on_call_reply(Uplinked& u, const std::string& identifier) {
    counters_.replies_received.fetch_add(1, std::memory_order_relaxed);
    const std::string id = reply_id(u.request.id);
    store::CallRecord rec;
    {
        std::lock_guard lock(calls_mutex_);
        auto it = pending_calls_.find(id);
        if (it == pending_calls_.end()) {
            logger()->info("device={}/{} reply {} to {} matches no call sent by this platform",
                           u.pk, u.dn, id, identifier);
            return;
        }
        rec = std::move(it->second);
        pending_calls_.erase(it);
    }
    // A reply is {id, code, data[, message]}.
    rec.status = "replied";
    rec.reply_time = clock_.wall_ms();
    rec.reply_code = 200;
    nlohmann::json data = nlohmann::json::object();
    if (u.request.body.is_object()) {
        if (auto c = u.request.body.find("code"); c != u.request.body.end()) {
            if (c->is_number_integer())
                rec.reply_code = c->get<int>();
            else if (c->is_string())
                rec.reply_code = std::atoi(c->get_ref<const std::string&>().c_str());
        }
        if (auto d = u.request.body.find("data"); d != u.request.body.end()) data = *d;
        if (auto m = u.request.body.find("message"); m != u.request.body.end() && m->is_string())
            rec.reply_message = *m;
    }
    rec.reply_data_json = dump(data);
    nlohmann::json forwarded = {{"gmtCreate", rec.reply_time},
                                {"iotId", u.pk + "." + u.dn},
                                {"productKey", u.pk},
                                {"deviceName", u.dn},
                                {"requestId", id},
                                {"code", *rec.reply_code},
                                {"message", rec.reply_message},
                                {"topic", "/sys/" + u.pk + "/" + u.dn + "/thing/service/" +
                                              (identifier == "set" ? "property/set" : identifier)},
                                {"data", data}};
    store_.put_call(std::move(rec));
    link_.publish("/" + u.pk + "/" + u.dn + "/thing/downlink/reply/message", dump(forwarded));
}

}  // namespace ts::thing
