// The device shadow (PROTOCOL.md 3.11): reported and desired state with a
// version, kept in memory and written behind. Devices update, read and
// delete on /shadow/update/{pk}/{dn} and are answered on /shadow/get/{pk}/{dn};
// a desired change from the API is pushed to the device as "control".
#include "thing/thing_service.hpp"

namespace ts::thing {

namespace {

constexpr std::size_t kMaxReportedAttributes = 128;

std::string dump(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// "null" (the string, as Alibaba's SDKs send it) or a JSON null: delete.
bool is_delete_marker(const nlohmann::json& v) {
    return v.is_null() || (v.is_string() && v.get_ref<const std::string&>() == "null");
}

nlohmann::json error_reply(int code, std::string_view text, std::int64_t now_s,
                           const nlohmann::json& client_token) {
    nlohmann::json j = {
        {"method", "reply"},
        {"payload",
         {{"status", "error"},
          {"content", {{"errorcode", std::to_string(code)}, {"errormessage", std::string(text)}}}}},
        {"timestamp", now_s}};
    if (!client_token.is_null()) j["clientToken"] = client_token;
    return j;
}

nlohmann::json state_of(const ThingService::ShadowState& s) {
    return {{"reported", s.reported}, {"desired", s.desired}};
}
nlohmann::json metadata_of(const ThingService::ShadowState& s) {
    return {{"reported", s.reported_meta}, {"desired", s.desired_meta}};
}

}  // namespace

void ThingService::persist_shadow(const std::string& key, const ShadowState& s) {
    auto slash = key.find('/');
    store::ShadowRecord r;
    r.product_key = key.substr(0, slash);
    r.device_name = key.substr(slash + 1);
    r.document_json = dump({{"state", state_of(s)}, {"metadata", metadata_of(s)}});
    r.version = s.version;
    r.updated_time = clock_.wall_ms();
    store_.put_shadow(std::move(r));
}

void ThingService::on_shadow_update(const std::string& pk, const std::string& dn,
                                    std::string_view payload) {
    const std::int64_t now_s = clock_.wall_ms() / 1000;
    const std::string reply_topic = "/shadow/get/" + pk + "/" + dn;
    auto send = [&](const nlohmann::json& j) {
        link_.send_to_device(pk, dn, reply_topic, dump(j), 0);
    };
    auto req = parse_json(payload);
    if (!req || !req->is_object()) {
        send(error_reply(400, "invalid JSON", now_s, nullptr));
        return;
    }
    const nlohmann::json token = req->value("clientToken", nlohmann::json());
    auto m = req->find("method");
    if (m == req->end() || !m->is_string()) {
        send(error_reply(401, "method is missing", now_s, token));
        return;
    }
    const std::string method = *m;
    const std::string key = device_key(pk, dn);
    std::lock_guard lock(shadows_mutex_);
    ShadowState& s = shadows_[key];

    if (method == "get") {
        nlohmann::json j = {
            {"method", "reply"},
            {"payload",
             {{"status", "success"}, {"state", state_of(s)}, {"metadata", metadata_of(s)}}},
            {"version", s.version},
            {"timestamp", now_s}};
        if (!token.is_null()) j["clientToken"] = token;
        send(j);
        return;
    }
    if (method != "update" && method != "delete") {
        send(error_reply(406, "method must be update, get or delete", now_s, token));
        return;
    }
    auto st = req->find("state");
    if (st == req->end() || !st->is_object()) {
        send(error_reply(402, "state is missing", now_s, token));
        return;
    }
    std::int64_t version = s.version + 1;
    if (auto v = req->find("version"); v != req->end()) {
        if (!v->is_number_integer()) {
            send(error_reply(403, "version must be a number", now_s, token));
            return;
        }
        version = v->get<std::int64_t>();
        if (version == -1) {
            version = 0;  // -1 resets the version
        } else if (version <= s.version) {
            send(error_reply(409, "version conflict", now_s, token));
            return;
        }
    }
    ShadowState next = s;
    if (method == "update") {
        bool touched = false;
        if (auto rep = st->find("reported"); rep != st->end()) {
            if (!rep->is_object()) {
                send(error_reply(404, "reported must be an object", now_s, token));
                return;
            }
            if (rep->empty()) {
                send(error_reply(405, "reported is empty", now_s, token));
                return;
            }
            for (const auto& [k, v] : rep->items()) {
                if (is_delete_marker(v)) {
                    next.reported.erase(k);
                    next.reported_meta.erase(k);
                } else {
                    next.reported[k] = v;
                    next.reported_meta[k] = {{"timestamp", now_s}};
                }
            }
            touched = true;
        }
        if (auto des = st->find("desired"); des != st->end()) {
            // The device clears desired values once it has applied them.
            if (is_delete_marker(*des)) {
                next.desired = nlohmann::json::object();
                next.desired_meta = nlohmann::json::object();
            } else if (des->is_object()) {
                for (const auto& [k, v] : des->items()) {
                    if (is_delete_marker(v)) {
                        next.desired.erase(k);
                        next.desired_meta.erase(k);
                    }
                }
            }
            touched = true;
        }
        if (!touched) {
            send(error_reply(404, "reported is missing", now_s, token));
            return;
        }
        if (next.reported.size() > kMaxReportedAttributes) {
            send(error_reply(408, "more than 128 reported attributes", now_s, token));
            return;
        }
    } else {  // delete
        auto rep = st->find("reported");
        if (rep == st->end()) {
            send(error_reply(404, "reported is missing", now_s, token));
            return;
        }
        if (is_delete_marker(*rep)) {
            next.reported = nlohmann::json::object();
            next.reported_meta = nlohmann::json::object();
        } else if (rep->is_object()) {
            for (const auto& [k, v] : rep->items()) {
                (void)v;
                next.reported.erase(k);
                next.reported_meta.erase(k);
            }
        } else {
            send(error_reply(404, "reported must be an object or \"null\"", now_s, token));
            return;
        }
    }
    next.version = version;
    s = std::move(next);
    persist_shadow(key, s);
    nlohmann::json j = {{"method", "reply"},
                        {"payload", {{"status", "success"}, {"version", s.version}}},
                        {"timestamp", now_s}};
    if (!token.is_null()) j["clientToken"] = token;
    send(j);
}

ThingResult<nlohmann::json> ThingService::shadow(const std::string& pk, const std::string& dn) {
    if (auto ok = check_device(pk, dn); !ok) return unexpected(ok.error());
    std::lock_guard lock(shadows_mutex_);
    auto it = shadows_.find(device_key(pk, dn));
    ShadowState empty;
    const ShadowState& s = it == shadows_.end() ? empty : it->second;
    return nlohmann::json{
        {"state", state_of(s)}, {"metadata", metadata_of(s)}, {"version", s.version}};
}

ThingResult<nlohmann::json> ThingService::update_shadow_desired(
    const std::string& pk, const std::string& dn, const nlohmann::json& desired,
    std::optional<std::int64_t> version) {
    if (auto ok = check_device(pk, dn); !ok) return unexpected(ok.error());
    if (!desired.is_object() && !desired.is_null())
        return unexpected(ThingError{ThingErrc::InvalidArgument,
                                     "state.desired: must be an object (or null to clear it)"});
    const std::int64_t now_s = clock_.wall_ms() / 1000;
    const std::string key = device_key(pk, dn);
    nlohmann::json control;
    nlohmann::json result;
    {
        std::lock_guard lock(shadows_mutex_);
        ShadowState& s = shadows_[key];
        if (version && *version != s.version + 1)
            return unexpected(
                ThingError{ThingErrc::VersionConflict,
                           "version: the shadow is at version " + std::to_string(s.version) +
                               ", so an update must carry " + std::to_string(s.version + 1)});
        if (desired.is_null()) {
            s.desired = nlohmann::json::object();
            s.desired_meta = nlohmann::json::object();
        } else {
            if (s.desired.size() + desired.size() > kMaxReportedAttributes * 2)
                return unexpected(
                    ThingError{ThingErrc::InvalidArgument, "state.desired: too many attributes"});
            for (const auto& [k, v] : desired.items()) {
                if (is_delete_marker(v)) {
                    s.desired.erase(k);
                    s.desired_meta.erase(k);
                } else {
                    s.desired[k] = v;
                    s.desired_meta[k] = {{"timestamp", now_s}};
                }
            }
        }
        s.version += 1;
        persist_shadow(key, s);
        control = {{"method", "control"},
                   {"payload", {{"state", state_of(s)}, {"metadata", metadata_of(s)}}},
                   {"version", s.version},
                   {"timestamp", now_s}};
        result = {{"state", state_of(s)}, {"metadata", metadata_of(s)}, {"version", s.version}};
    }
    // Offline devices read the desired state with "get" when they return.
    bool delivered = link_.send_to_device(pk, dn, "/shadow/get/" + pk + "/" + dn, dump(control), 1);
    result["delivered"] = delivered;
    return result;
}

}  // namespace ts::thing
