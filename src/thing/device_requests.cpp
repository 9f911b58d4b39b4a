// The smaller device requests: desired property values (get/delete), tags
// (deviceinfo update/delete), remote config (get, and push from the API),
// the thing model (dsltemplate/get), NTP, and raw data.
#include <openssl/sha.h>

#include <boost/asio/post.hpp>

#include "core/base64.hpp"
#include "core/log.hpp"
#include "registry/ids.hpp"
#include "thing/thing_service.hpp"

namespace ts::thing {

namespace {

constexpr std::size_t kMaxIdsPerRequest = 200;
constexpr std::size_t kMaxTagsPerRequest = 200;

std::string dump(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool is_tag_key(const std::string& k) {
    if (k.empty() || k.size() > 100) return false;
    if (!(std::isalpha(static_cast<unsigned char>(k[0])) || k[0] == '_')) return false;
    for (char c : k)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
    return true;
}

std::string sha256_hex(std::string_view data) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : digest) {
        out += kHex[b >> 4];
        out += kHex[b & 15];
    }
    return out;
}

}  // namespace

// --- desired property values ---

void ThingService::on_desired_get(Uplinked& u) {
    constexpr std::string_view method = "thing.property.desired.get";
    const auto& ids = u.request.params;
    if (!ids.is_array()) {
        reply(u, 460, nlohmann::json::object(),
              "request parameter error: params must be an array of identifiers", method);
        return;
    }
    if (ids.size() > kMaxIdsPerRequest) {
        reply(u, 6104, nlohmann::json::object(), "more than 200 identifiers", method);
        return;
    }
    nlohmann::json data = nlohmann::json::object();
    {
        std::lock_guard lock(desired_mutex_);
        auto it = desired_.find(device_key(u.pk, u.dn));
        for (const auto& id : ids) {
            if (!id.is_string() || it == desired_.end()) continue;
            auto v = it->second.find(id.get<std::string>());
            if (v == it->second.end()) continue;
            data[v->first] = {{"value", v->second.value}, {"version", v->second.version}};
        }
    }
    reply(u, 200, data, "success", method);
}

void ThingService::on_desired_delete(Uplinked& u) {
    constexpr std::string_view method = "thing.property.desired.delete";
    const auto& params = u.request.params;
    if (!params.is_object()) {
        reply(u, 460, nlohmann::json::object(), "request parameter error: params must be an object",
              method);
        return;
    }
    if (params.size() > kMaxIdsPerRequest) {
        reply(u, 6104, nlohmann::json::object(), "more than 200 identifiers", method);
        return;
    }
    {
        std::lock_guard lock(desired_mutex_);
        auto it = desired_.find(device_key(u.pk, u.dn));
        if (it != desired_.end()) {
            for (const auto& [id, spec] : params.items()) {
                auto v = it->second.find(id);
                if (v == it->second.end()) continue;
                // With a version, only that version is deleted (a newer
                // desired value set meanwhile stays).
                if (spec.is_object() && spec.contains("version") &&
                    spec["version"].is_number_integer() &&
                    spec["version"].get<std::int64_t>() != v->second.version)
                    continue;
                it->second.erase(v);
                store_.delete_desired(u.pk, u.dn, id);
            }
        }
    }
    reply(u, 200, nlohmann::json::object(), "success", method);
}

ThingResult<nlohmann::json> ThingService::desired_properties(const std::string& pk,
                                                             const std::string& dn) {
    if (auto ok = check_device(pk, dn); !ok) return unexpected(ok.error());
    nlohmann::json items = nlohmann::json::object();
    std::lock_guard lock(desired_mutex_);
    if (auto it = desired_.find(device_key(pk, dn)); it != desired_.end())
        for (const auto& [id, e] : it->second)
            items[id] = {{"value", e.value}, {"version", e.version}, {"time", e.time_ms}};
    return nlohmann::json{{"items", std::move(items)}};
}

ThingResult<nlohmann::json> ThingService::set_desired_properties(const std::string& pk,
                                                                 const std::string& dn,
                                                                 const nlohmann::json& params) {
    if (auto ok = check_device(pk, dn); !ok) return unexpected(ok.error());
    if (!params.is_object() || params.empty())
        return unexpected(
            ThingError{ThingErrc::InvalidArgument, "params: must be a non-empty object"});
    if (validation_mode(pk) != registry::ValidationMode::Off) {
        auto model = model_of(pk);
        for (const auto& [id, value] : params.items()) {
            const Property* p = model ? model->find_property(id) : nullptr;
            if (!p)
                return unexpected(
                    ThingError{ThingErrc::InvalidArgument, "params." + id + ": no such property"});
            if (auto err = validate_value(p->data_type, value, id))
                return unexpected(
                    ThingError{ThingErrc::InvalidArgument, "params." + id + ": " + err->message});
        }
    }
    const std::int64_t now = clock_.wall_ms();
    std::lock_guard lock(desired_mutex_);
    auto& entries = desired_[device_key(pk, dn)];
    nlohmann::json items = nlohmann::json::object();
    for (const auto& [id, value] : params.items()) {
        auto& e = entries[id];
        e.value = value;
        e.version += 1;
        e.time_ms = now;
        store_.put_desired(store::DesiredValue{pk, dn, id, dump(value), e.version, now});
        items[id] = {{"value", e.value}, {"version", e.version}, {"time", now}};
    }
    return nlohmann::json{{"items", std::move(items)}};
}

// --- tags ---

void ThingService::on_tags(Uplinked& u, bool remove) {
    const std::string method = remove ? "thing.deviceinfo.delete" : "thing.deviceinfo.update";
    const auto& params = u.request.params;
    if (!params.is_array() || params.empty()) {
        reply(u, 460, nlohmann::json::object(),
              "request parameter error: params must be a non-empty array", method);
        return;
    }
    if (params.size() > kMaxTagsPerRequest) {
        reply(u, 460, nlohmann::json::object(), "request parameter error: more than 200 tags",
              method);
        return;
    }
    std::vector<std::pair<std::string, std::string>> tags;
    for (const auto& t : params) {
        auto k = t.is_object() ? t.find("attrKey") : t.end();
        if (!t.is_object() || k == t.end() || !k->is_string() || !is_tag_key(*k)) {
            reply(u, 460, nlohmann::json::object(),
                  "request parameter error: attrKey must be 1..100 characters of "
                  "[A-Za-z0-9_] starting with a letter or _",
                  method);
            return;
        }
        std::string value;
        if (!remove) {
            auto v = t.find("attrValue");
            if (v == t.end() || (!v->is_string() && !v->is_number())) {
                reply(u, 460, nlohmann::json::object(),
                      "request parameter error: attrValue must be a string -> " +
                          k->get<std::string>(),
                      method);
                return;
            }
            value = v->is_string() ? v->get<std::string>() : v->dump();
        }
        tags.emplace_back(k->get<std::string>(), std::move(value));
    }
    // The registry writes synchronously; not on an event loop.
    boost::asio::post(blocking_,
                      [this, u = std::move(u), tags = std::move(tags), remove, method]() {
                          auto device = registry_.get_device(u.pk, u.dn);
                          if (!device) {
                              reply(u, 6100, nlohmann::json::object(), "device not found", method);
                              return;
                          }
                          auto merged = device->tags;
                          for (const auto& [k, v] : tags) {
                              if (remove)
                                  merged.erase(k);
                              else
                                  merged[k] = v;
                          }
                          auto saved = registry_.set_tags(u.pk, u.dn, merged);
                          if (!saved) {
                              reply(u, 460, nlohmann::json::object(),
                                    "request parameter error: " + saved.error().message, method);
                              return;
                          }
                          reply(u, 200, nlohmann::json::object(), "success", method);
                      });
}

// --- remote config ---

void ThingService::on_config_get(Uplinked& u) {
    boost::asio::post(blocking_, [this, u = std::move(u)]() {
        constexpr std::string_view method = "thing.config.get";
        auto info = config_info(u.pk);
        if (!info) {
            reply(u, 6710, nlohmann::json::object(), "no remote config for this product", method);
            return;
        }
        info->url = config_url(u.pk, u.dn, info->config_id);
        reply(u, 200,
              {{"configId", info->config_id},
               {"configSize", info->size},
               {"sign", info->sha256_hex},
               {"signMethod", "Sha256"},
               {"url", info->url},
               {"getType", "file"}},
              "success", method);
    });
}

ThingResult<ConfigInfo> ThingService::put_config(const std::string& pk, std::string content) {
    if (!registry_.find_product(pk))
        return unexpected(ThingError{ThingErrc::ProductNotFound, "product " + pk + " not found"});
    auto id = registry::random_alnum(32);
    if (!id) return unexpected(ThingError{ThingErrc::StorageError, id.error().message});
    store::ConfigFile f;
    f.product_key = pk;
    f.config_id = *id;
    f.sha256_hex = sha256_hex(content);
    f.content = std::move(content);
    f.updated_time = clock_.wall_ms();
    if (auto saved = store_.put_config(f); !saved)
        return unexpected(ThingError{ThingErrc::StorageError, saved.error().message});
    return config_info(pk);
}

ThingResult<ConfigInfo> ThingService::config_info(const std::string& pk) {
    if (!registry_.find_product(pk))
        return unexpected(ThingError{ThingErrc::ProductNotFound, "product " + pk + " not found"});
    auto f = store_.get_config(pk);
    if (!f) return unexpected(ThingError{ThingErrc::StorageError, f.error().message});
    if (!*f)
        return unexpected(
            ThingError{ThingErrc::ConfigNotFound, "product " + pk + " has no remote config"});
    ConfigInfo info;
    info.config_id = (*f)->config_id;
    info.size = (*f)->content.size();
    info.sha256_hex = (*f)->sha256_hex;
    info.updated_time = (*f)->updated_time;
    // The id is the capability: the download needs no token, as a device
    // has none for the API.
    info.url = config_url(pk, "", info.config_id);
    return info;
}

std::string ThingService::config_url(const std::string& pk, const std::string& dn,
                                     const std::string& config_id) {
    const std::string server = dn.empty() ? std::string() : link_.server_address(pk, dn);
    return download_base_url(options_.downloads, server) + "/api/v1/config-files/" + pk + "/" +
           config_id;
}

ThingResult<std::string> ThingService::config_file(const std::string& pk,
                                                   const std::string& config_id) {
    auto f = store_.get_config(pk);
    if (!f) return unexpected(ThingError{ThingErrc::StorageError, f.error().message});
    if (!*f || (*f)->config_id != config_id)
        return unexpected(ThingError{ThingErrc::ConfigNotFound, "no such config file"});
    return std::move((*f)->content);
}

ThingResult<std::size_t> ThingService::push_config(const std::string& pk) {
    auto info = config_info(pk);
    if (!info) return unexpected(info.error());
    nlohmann::json params = {
        {"configId", info->config_id}, {"configSize", info->size}, {"sign", info->sha256_hex},
        {"signMethod", "Sha256"},      {"url", info->url},         {"getType", "file"}};
    std::size_t reached = 0;
    std::string token;
    registry::DeviceFilter online;
    online.status = registry::DeviceStatus::Online;
    do {
        auto page = registry_.list_devices(pk, online, 1000, token);
        if (!page) return unexpected(ThingError{ThingErrc::StorageError, page.error().message});
        for (const auto& d : page->items) {
            // Each device gets the URL of the address it reached us on.
            params["url"] = config_url(pk, d.device_name, info->config_id);
            auto sent = send_call(pk, d.device_name, "config.push",
                                  "/sys/" + pk + "/" + d.device_name + "/thing/config/push",
                                  "thing.config.push", params);
            if (sent) ++reached;
        }
        token = page->next_page_token;
    } while (!token.empty());
    return reached;
}

// --- thing model, NTP, raw ---

void ThingService::on_tsl_get(Uplinked& u) {
    auto model = model_of(u.pk);
    reply(u, 200, model ? to_tsl_json(*model, u.pk) : to_tsl_json(ThingModel{}, u.pk), "success",
          "thing.dsltemplate.get");
}

void ThingService::on_ntp(const std::string& pk, const std::string& dn, std::string_view payload,
                          Millis received_wall) {
    auto req = parse_json(payload);
    if (!req || !req->is_object() || !req->contains("deviceSendTime")) return;
    // deviceSendTime is echoed as sent (a device clock, maybe uptime).
    nlohmann::json resp = {{"deviceSendTime", (*req)["deviceSendTime"]},
                           {"serverRecvTime", std::to_string(received_wall)},
                           {"serverSendTime", std::to_string(clock_.wall_ms())}};
    link_.send_to_device(pk, dn, "/ext/ntp/" + pk + "/" + dn + "/response", dump(resp), 0);
}

void ThingService::on_up_raw(const std::string& pk, const std::string& dn,
                             std::string_view payload) {
    // Until parsing scripts exist, raw data is kept as bytes in the event
    // history under the identifier "up_raw".
    store::EventRecord rec{pk,
                           dn,
                           "up_raw",
                           "raw",
                           dump({{"payload", base64_encode(payload)}, {"encoding", "base64"}}),
                           clock_.wall_ms()};
    store_.put_event(std::move(rec), nullptr);
}

}  // namespace ts::thing
