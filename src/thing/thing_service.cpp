// Dispatch of device messages by topic, the reply helper, loading, and the
// management calls that only read or replace stored data.
#include "thing/thing_service.hpp"

#include "core/log.hpp"
#include "store/store_error.hpp"
#include "thing/alink_flat.hpp"

namespace ts::thing {

namespace {
const std::shared_ptr<spdlog::logger>& logger() {
    static auto l = log::get("thing");
    return l;
}
}  // namespace

ThingService::ThingService(registry::Registry& registry, store::ThingDataStore& store,
                           DeviceLink& link, const Clock& clock, ThingOptions options)
    : registry_(registry),
      store_(store),
      link_(link),
      clock_(clock),
      options_(std::move(options)),
      // Ids stay unique across restarts: they start from the wall clock.
      next_id_(static_cast<std::uint64_t>(clock.wall_ms()) * 1000) {}

ThingService::~ThingService() {
    blocking_.join();
}

std::string ThingService::device_key(std::string_view pk, std::string_view dn) {
    std::string k;
    k.reserve(pk.size() + dn.size() + 1);
    k.append(pk).append("/").append(dn);
    return k;
}

std::string ThingService::next_message_id() {
    return std::to_string(++next_id_);
}

Expected<void, Error> ThingService::load() {
    auto models = store_.load_thing_models();
    if (!models) return unexpected(models.error());
    for (auto& [pk, doc] : *models) {
        auto m = parse_thing_model(std::string_view(doc));
        if (!m) {
            logger()->error("product={} stored thing model does not parse ({}: {}); ignored", pk,
                            m.error().path, m.error().message);
            continue;
        }
        models_.put(pk, *m);
    }
    auto shadows = store_.load_shadows();
    if (!shadows) return unexpected(shadows.error());
    for (auto& s : *shadows) {
        auto doc = parse_json(s.document_json);
        if (!doc || !doc->is_object()) continue;
        ShadowState st;
        st.version = s.version;
        const auto& state = (*doc)["state"];
        const auto& meta = (*doc)["metadata"];
        if (state.is_object()) {
            if (state.contains("reported")) st.reported = state["reported"];
            if (state.contains("desired")) st.desired = state["desired"];
        }
        if (meta.is_object()) {
            if (meta.contains("reported")) st.reported_meta = meta["reported"];
            if (meta.contains("desired")) st.desired_meta = meta["desired"];
        }
        shadows_[device_key(s.product_key, s.device_name)] = std::move(st);
    }
    auto desired = store_.load_desired();
    if (!desired) return unexpected(desired.error());
    for (auto& d : *desired) {
        auto v = parse_json(d.value_json);
        if (!v) continue;
        desired_[device_key(d.product_key, d.device_name)][d.identifier] =
            DesiredEntry{std::move(*v), d.version, d.time_ms};
    }
    logger()->info("thing models={} shadows={} desired={}", models->size(), shadows->size(),
                   desired->size());
    return {};
}

void ThingService::on_device_message(const broker::ClientIdentity& who, const std::string& topic,
                                     const SharedBuffer& payload) {
    UplinkTopic t = classify_uplink(topic);
    if (t.kind == Uplink::None) return;
    // A device speaks for itself only (gateways for their sub-devices come
    // with the topology work).
    if (t.product_key != who.product_key || t.device_name != who.device_name) return;
    const Millis received = clock_.wall_ms();
    const std::string_view body = payload.view();

    switch (t.kind) {
        case Uplink::NtpRequest:
            on_ntp(who.product_key, who.device_name, body, received);
            return;
        case Uplink::ShadowUpdate:
            on_shadow_update(who.product_key, who.device_name, body);
            return;
        case Uplink::RrpcResponse:
            on_rrpc_response(who.product_key, who.device_name, t.id, body);
            return;
        case Uplink::UpRaw:
            on_up_raw(who.product_key, who.device_name, body);
            return;
        case Uplink::OtaInform:
            on_ota_inform(who.product_key, who.device_name, body);
            return;
        case Uplink::OtaRequest:
            on_ota_request(who.product_key, who.device_name, topic, body);
            return;
        case Uplink::Unsupported:
            on_unsupported(who.product_key, who.device_name, topic, t.id, body);
            return;
        case Uplink::Unhandled:
            on_unhandled(who.product_key, who.device_name, t.id);
            return;
        default:
            break;
    }

    Uplinked u;
    u.kind = t.kind;
    u.id = std::string(t.id);
    u.pk = who.product_key;
    u.dn = who.device_name;
    u.received_wall = received;
    // Property posts are the one request whose params are flat scalars as a
    // rule (events nest theirs, replies to calls need the rest of the
    // object): only they try the flat reader first.
    auto req =
        t.kind == Uplink::PropertyPost ? parse_device_request(body) : parse_alink_request(body);
    if (!req) {
        // Nothing to echo: the reply still tells the developer what is wrong.
        u.request.ack = true;
        reply(u, 460, nlohmann::json::object(), "request parameter error: " + req.error(), "");
        return;
    }
    u.request = std::move(*req);
    switch (t.kind) {
        case Uplink::PropertyPost:
            on_property_post(u);
            break;
        case Uplink::BatchPost:
        case Uplink::PackPost:
            on_batch_post(u);
            break;
        case Uplink::HistoryPost:
            on_history_post(u);
            break;
        case Uplink::EventPost:
            on_event_post(u);
            break;
        case Uplink::PropertySetReply:
            on_call_reply(u, "set");
            break;
        case Uplink::PropertyGetReply:
            on_call_reply(u, "get");
            break;
        case Uplink::ServiceReply:
            on_call_reply(u, u.id);
            break;
        case Uplink::ConfigPushReply:
            on_call_reply(u, "config.push");
            break;
        case Uplink::DesiredGet:
            on_desired_get(u);
            break;
        case Uplink::DesiredDelete:
            on_desired_delete(u);
            break;
        case Uplink::TagsUpdate:
            on_tags(u, false);
            break;
        case Uplink::TagsDelete:
            on_tags(u, true);
            break;
        case Uplink::ConfigGet:
            on_config_get(u);
            break;
        case Uplink::TslGet:
            on_tsl_get(u);
            break;
        case Uplink::FirmwareGet:
            on_firmware_get(u);
            break;
        default:
            break;
    }
}

void ThingService::reply(const Uplinked& u, int code, const nlohmann::json& data,
                         std::string_view message, std::string_view method) {
    if (!u.request.ack) return;
    std::string topic = "/sys/" + u.pk + "/" + u.dn + "/";
    // The reply topic is the request topic + "_reply"; rebuilt from the parts
    // because the request's topic string belongs to the broker's message.
    std::string_view full;
    switch (u.kind) {
        case Uplink::PropertyPost:
            full = "thing/event/property/post_reply";
            break;
        case Uplink::BatchPost:
            full = "thing/event/property/batch/post_reply";
            break;
        case Uplink::PackPost:
            full = "thing/event/property/pack/post_reply";
            break;
        case Uplink::HistoryPost:
            full = "thing/event/property/history/post_reply";
            break;
        case Uplink::DesiredGet:
            full = "thing/property/desired/get_reply";
            break;
        case Uplink::DesiredDelete:
            full = "thing/property/desired/delete_reply";
            break;
        case Uplink::TagsUpdate:
            full = "thing/deviceinfo/update_reply";
            break;
        case Uplink::TagsDelete:
            full = "thing/deviceinfo/delete_reply";
            break;
        case Uplink::ConfigGet:
            full = "thing/config/get_reply";
            break;
        case Uplink::TslGet:
            full = "thing/dsltemplate/get_reply";
            break;
        case Uplink::FirmwareGet:
            full = "thing/ota/firmware/get_reply";
            break;
        case Uplink::EventPost:
            break;
        default:
            return;  // replies to the platform's own requests get no reply
    }
    if (u.kind == Uplink::EventPost)
        topic.append("thing/event/").append(u.id).append("/post_reply");
    else
        topic.append(full);
    link_.send_to_device(u.pk, u.dn, std::move(topic),
                         alink_reply(u.request.id, code, data, message, method), 0);
}

registry::ValidationMode ThingService::validation_mode(const std::string& pk) const {
    auto p = registry_.find_product(pk);
    return p ? p->validation_mode : registry::ValidationMode::Strict;
}

ThingResult<void> ThingService::check_device(const std::string& pk, const std::string& dn) {
    if (!registry_.find_product(pk))
        return unexpected(ThingError{ThingErrc::ProductNotFound, "product " + pk + " not found"});
    if (!registry_.find_device(pk, dn))
        return unexpected(
            ThingError{ThingErrc::DeviceNotFound, "device " + pk + "/" + dn + " not found"});
    return {};
}

// --- thing models ---

ThingResult<ThingModelPtr> ThingService::set_thing_model(const std::string& pk,
                                                         std::string_view document) {
    if (!registry_.find_product(pk))
        return unexpected(ThingError{ThingErrc::ProductNotFound, "product " + pk + " not found"});
    auto model = parse_thing_model(document);
    if (!model)
        return unexpected(ThingError{ThingErrc::InvalidThingModel,
                                     model.error().path.empty()
                                         ? model.error().message
                                         : model.error().path + ": " + model.error().message});
    // Stored in its exported form, so what GET returns is what devices get.
    auto saved = store_.put_thing_model(pk, to_tsl_json(**model, pk).dump());
    if (!saved) return unexpected(ThingError{ThingErrc::StorageError, saved.error().message});
    models_.put(pk, *model);
    logger()->info("product={} thing model set: properties={} events={} services={}", pk,
                   (*model)->properties.size(), (*model)->events.size(), (*model)->services.size());
    return *model;
}

ThingResult<nlohmann::json> ThingService::thing_model_document(const std::string& pk) {
    if (!registry_.find_product(pk))
        return unexpected(ThingError{ThingErrc::ProductNotFound, "product " + pk + " not found"});
    auto model = model_of(pk);
    if (!model) return to_tsl_json(ThingModel{}, pk);
    return to_tsl_json(*model, pk);
}

// --- reads ---

namespace {
template <typename T>
ThingResult<T> from_store(Expected<T, Error> r) {
    if (!r) {
        // A malformed page token is the caller's mistake, not the disk's.
        if (r.error().code == static_cast<int>(store::StoreErrc::invalid_argument))
            return unexpected(ThingError{ThingErrc::InvalidArgument,
                                         r.error().message.find("page token") != std::string::npos
                                             ? "pageToken: " + r.error().message
                                             : r.error().message});
        return unexpected(ThingError{ThingErrc::StorageError, r.error().message});
    }
    return std::move(*r);
}
}  // namespace

ThingResult<nlohmann::json> ThingService::latest_properties(const std::string& pk,
                                                            const std::string& dn) {
    if (auto ok = check_device(pk, dn); !ok) return unexpected(ok.error());
    auto values = from_store(store_.latest_properties(pk, dn));
    if (!values) return unexpected(values.error());
    auto model = model_of(pk);
    nlohmann::json items = nlohmann::json::array();
    for (auto& v : *values) {
        auto parsed = parse_json(v.value_json);
        nlohmann::json item = {{"identifier", v.identifier},
                               {"value", parsed ? *parsed : nlohmann::json(v.value_json)},
                               {"time", v.time_ms}};
        if (model) {
            if (const auto* p = model->find_property(v.identifier)) {
                item["name"] = p->name;
                if (!p->data_type.unit.empty()) item["unit"] = p->data_type.unit;
            }
        }
        items.push_back(std::move(item));
    }
    return nlohmann::json{{"items", std::move(items)}};
}

ThingResult<store::HistoryPage<store::PropertyValue>> ThingService::property_history(
    const std::string& pk, const std::string& dn, const std::string& identifier,
    const store::HistoryQuery& q) {
    if (auto ok = check_device(pk, dn); !ok) return unexpected(ok.error());
    return from_store(store_.property_history(pk, dn, identifier, q));
}

ThingResult<std::vector<store::AggregateBucket>> ThingService::property_aggregate(
    const std::string& pk, const std::string& dn, const std::string& identifier, std::int64_t from,
    std::int64_t to, std::int64_t interval_ms) {
    if (auto ok = check_device(pk, dn); !ok) return unexpected(ok.error());
    return from_store(store_.property_aggregate(pk, dn, identifier, from, to, interval_ms));
}

ThingResult<store::HistoryPage<store::EventRecord>> ThingService::events(
    const std::string& pk, const std::string& dn, const std::string& identifier,
    const store::HistoryQuery& q) {
    if (auto ok = check_device(pk, dn); !ok) return unexpected(ok.error());
    return from_store(store_.events(pk, dn, identifier, q));
}

ThingResult<store::HistoryPage<store::CallRecord>> ThingService::calls(
    const std::string& pk, const std::string& dn, const store::HistoryQuery& q) {
    if (auto ok = check_device(pk, dn); !ok) return unexpected(ok.error());
    return from_store(store_.calls(pk, dn, q));
}

void ThingService::forget_device(const std::string& pk, const std::string& dn) {
    const auto key = device_key(pk, dn);
    {
        std::lock_guard lock(shadows_mutex_);
        shadows_.erase(key);
    }
    {
        std::lock_guard lock(desired_mutex_);
        desired_.erase(key);
    }
    store_.delete_device_data(pk, dn);
    logged_once_.forget_prefix(device_key(pk, dn) + " ");
}

}  // namespace ts::thing
