#include "app/device_status.hpp"

#include <nlohmann/json.hpp>

#include <ctime>

namespace ts::app {

namespace {
// "yyyy-MM-dd{sep}HH:mm:ss.SSS{suffix}" for `ms` shifted by `offset_h` hours.
std::string format_time(std::int64_t ms, int offset_h, char sep, const char* suffix) {
    std::time_t s = static_cast<std::time_t>(ms / 1000) + offset_h * 3600;
    std::tm tm{};
    gmtime_r(&s, &tm);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d%c%02d:%02d:%02d.%03d%s", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, sep, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(ms % 1000), suffix);
    return buf;
}
// Alibaba's consumers parse "time" in UTC+8 and "utcTime" as ISO-8601.
std::string china_time(std::int64_t ms) {
    return format_time(ms, 8, ' ', "");
}
std::string utc_time(std::int64_t ms) {
    return format_time(ms, 0, 'T', "Z");
}
}  // namespace

std::string DeviceStatusPublisher::status_json(std::string_view status, std::string_view pk,
                                               std::string_view dn, std::int64_t time_ms,
                                               std::int64_t last_time_ms,
                                               std::string_view client_ip) {
    nlohmann::json j = {
        {"status", status},
        {"productKey", pk},
        {"deviceName", dn},
        {"time", china_time(time_ms)},
        {"utcTime", utc_time(time_ms)},
        {"lastTime", china_time(last_time_ms)},
        {"utcLastTime", utc_time(last_time_ms)},
        {"clientIp", client_ip},
    };
    return j.dump();
}

void DeviceStatusPublisher::announce(const broker::ClientIdentity& who, std::string_view status,
                                     std::string_view ip) {
    std::int64_t now = clock_.wall_ms();
    broker_.publish_from_platform(
        "/as/mqtt/status/" + who.product_key + "/" + who.device_name,
        status_json(status, who.product_key, who.device_name, now, now, ip), mqtt::QoS::AtLeastOnce,
        false);
}

void DeviceStatusPublisher::on_online(const broker::ClientIdentity& who,
                                      std::string_view client_ip) {
    if (who.kind != broker::ClientIdentity::Kind::Device) return;
    registry_.mark_online(who.product_key, who.device_name, std::string(client_ip),
                          clock_.wall_ms());
    announce(who, "online", client_ip);
}

void DeviceStatusPublisher::on_offline(const broker::ClientIdentity& who,
                                       std::string_view client_ip) {
    if (who.kind != broker::ClientIdentity::Kind::Device) return;
    registry_.mark_offline(who.product_key, who.device_name, clock_.wall_ms());
    announce(who, "offline", client_ip);
}

}  // namespace ts::app
