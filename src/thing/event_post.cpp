// Event posts: an event is accepted or rejected whole (PROTOCOL.md 3.3),
// stored in the event history, answered once committed, and forwarded to
// server-side subscribers on /{pk}/{dn}/thing/event/{id}/post.
#include "thing/thing_service.hpp"

namespace ts::thing {

void ThingService::on_event_post(Uplinked& u) {
    const std::string method = "thing.event." + u.id + ".post";
    const auto& params = u.request.params;
    // {"value": {...}, "time": ms} as documented; some SDKs send the output
    // parameters as params directly.
    nlohmann::json value = nlohmann::json::object();
    std::int64_t time = u.received_wall;
    if (params.is_object() && params.contains("value")) {
        value = params["value"];
        if (auto t = params.find("time"); t != params.end()) {
            if (t->is_number_integer())
                time = t->get<std::int64_t>();
            else if (t->is_string() && !t->get_ref<const std::string&>().empty() &&
                     t->get_ref<const std::string&>().size() <= 18 &&
                     t->get_ref<const std::string&>().find_first_not_of("0123456789") ==
                         std::string::npos)
                time = std::stoll(t->get<std::string>());
        }
    } else if (params.is_object()) {
        value = params;
    } else if (!params.is_null()) {
        reply(u, 460, nlohmann::json::object(),
              "request parameter error: params must be a JSON object", method);
        return;
    }

    auto model = model_of(u.pk);
    const Event* e = model ? model->find_event(u.id) : nullptr;
    if (validation_mode(u.pk) != registry::ValidationMode::Off) {
        std::optional<ValueError> err;
        if (!e)
            err = ValueError{6304, "tsl parse: event not exist -> " + u.id};
        else if (!value.is_object())
            err = ValueError{6300, "tsl parse: event value must be an object -> " + u.id};
        else
            err = validate_params(e->output, value);
        if (err) {
            counters_.validation_failures.fetch_add(1, std::memory_order_relaxed);
            forward_validation_failure(u, method,
                                       {{u.id,
                                         {{"value", value},
                                          {"time", time},
                                          {"code", err->code},
                                          {"message", err->message}}}},
                                       false);
            reply(u, err->code, nlohmann::json::object(), err->message, method);
            return;
        }
    }
    const std::string type(e ? to_string(e->type) : "info");
    nlohmann::json forwarded = {{"identifier", u.id},
                                {"name", e ? e->name : u.id},
                                {"type", type},
                                {"iotId", u.pk + "." + u.dn},
                                {"productKey", u.pk},
                                {"deviceName", u.dn},
                                {"gmtCreate", u.received_wall},
                                {"value", value},
                                {"time", time}};
    store::EventRecord rec{u.pk,
                           u.dn,
                           u.id,
                           type,
                           value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                           time};
    store_.put_event(std::move(rec), [this, u = std::move(u), method,
                                      forwarded = std::move(forwarded)](bool ok) {
        if (!ok) {
            reply(u, 500, nlohmann::json::object(), "system error: the event could not be stored",
                  method);
            return;
        }
        counters_.events_stored.fetch_add(1, std::memory_order_relaxed);
        reply(u, 200, nlohmann::json::object(), "success", method);
        link_.publish("/" + u.pk + "/" + u.dn + "/thing/event/" + u.id + "/post",
                      forwarded.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    });
}

}  // namespace ts::thing
