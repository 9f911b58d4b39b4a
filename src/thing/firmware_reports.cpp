// OTA messages from devices, until OTA jobs exist: version reports
// (/ota/device/inform) are stored on the device in the registry, and the
// requests for an upgrade (thing/ota/firmware/get, the legacy
// /ota/device/request) are answered with "no upgrade task".
#include <optional>

#include <boost/asio/post.hpp>

#include "core/log.hpp"
#include "registry/validate.hpp"
#include "thing/thing_service.hpp"

namespace ts::thing {

namespace {
const std::shared_ptr<spdlog::logger>& logger() {
    static auto l = log::get("thing");
    return l;
}
}  // namespace

void ThingService::on_ota_inform(const std::string& pk, const std::string& dn,
                                 std::string_view payload) {
    // {"id": "1", "params": {"version": "1.0.3", "module": "MCU"}}; no
    // module means the main firmware. Alibaba sends no reply.
    auto req = parse_alink_request(payload);
    std::optional<std::string> version;
    std::string module(registry::kDefaultFirmwareModule);
    if (req && req->params.is_object()) {
        auto v = req->params.find("version");
        if (v != req->params.end() && v->is_string()) version = v->get<std::string>();
        auto m = req->params.find("module");
        if (m != req->params.end() && m->is_string() && !m->get<std::string>().empty())
            module = m->get<std::string>();
    }
    if (!version) {
        if (logged_once_.first(device_key(pk, dn) + " ota/device/inform"))
            logger()->warn(
                "device={}/{} firmware report without params.version ignored (logged once per "
                "device)",
                pk, dn);
        return;
    }
    // The usual report repeats what is stored (C SDKs report on every
    // connect): answered from the cache, on this thread.
    if (auto d = registry_.find_device(pk, dn)) {
        auto it = d->firmware_versions.find(module);
        if (it != d->firmware_versions.end() && it->second == *version) return;
    }
    // A new version is a registry write: not on an event loop.
    boost::asio::post(firmware_writes_, [this, pk, dn, module = std::move(module),
                                         reported = std::move(*version)]() {
        auto saved = registry_.set_firmware_version(pk, dn, module, reported);
        if (!saved) {
            logger()->warn("device={}/{} firmware report module={} version={} not stored: {}", pk,
                           dn, module, reported, saved.error().message);
            return;
        }
        logger()->info("device={}/{} reports firmware module={} version={}", pk, dn, module,
                       reported);
    });
}

void ThingService::on_ota_request(const std::string& pk, const std::string& dn,
                                  const std::string& topic, std::string_view payload) {
    // Answered on the same topic (C SDK v3 subscribes to it); without a
    // `url` the SDK takes it as "nothing to do".
    auto req = parse_alink_request(payload);
    const nlohmann::json id = req ? req->id : nlohmann::json();
    link_.send_to_device(pk, dn, topic,
                         alink_reply(id, 200, nlohmann::json::object(), "no upgrade task", ""), 0);
}

void ThingService::on_firmware_get(Uplinked& u) {
    // PROTOCOL.md 3.13: data {} when the device has no upgrade task.
    reply(u, 200, nlohmann::json::object(), "success", "thing.ota.firmware.get");
}

}  // namespace ts::thing
