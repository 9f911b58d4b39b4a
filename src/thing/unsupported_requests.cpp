// System-topic requests the platform does not implement. Left unanswered,
// Alibaba's SDKs wait out their timeout (10 s and more) for each; an error
// reply ends the wait at once and tells the developer why.
#include "core/log.hpp"
#include "thing/thing_service.hpp"

namespace ts::thing {

namespace {
const std::shared_ptr<spdlog::logger>& logger() {
    static auto l = log::get("thing");
    return l;
}
}  // namespace

void ThingService::on_unsupported(const std::string& pk, const std::string& dn,
                                  const std::string& topic, std::string_view path,
                                  std::string_view payload) {
    const std::string method = method_of_path(path);
    if (logged_once_.first(device_key(pk, dn) + " " + method))
        logger()->warn(
            "device={}/{} request not supported: method={} topic={}; answered with code {} "
            "(logged once per device and method)",
            pk, dn, method, topic, kMethodNotSupported);
    // Unparsable or not: the id is echoed when there is one, and a reply
    // goes out unless the device asked for none.
    auto req = parse_alink_request(payload);
    if (req && !req->ack) return;
    const nlohmann::json id = req ? req->id : nlohmann::json();
    link_.send_to_device(pk, dn, topic + "_reply",
                         alink_reply(id, kMethodNotSupported, nlohmann::json::object(),
                                     "method not supported: " + method, method),
                         0);
}

void ThingService::on_unhandled(const std::string& pk, const std::string& dn,
                                std::string_view path) {
    if (logged_once_.first(device_key(pk, dn) + " " + std::string(path)))
        logger()->info(
            "device={}/{} sent on {} which the platform does not handle yet; ignored (logged "
            "once per device and topic)",
            pk, dn, path);
}

}  // namespace ts::thing
