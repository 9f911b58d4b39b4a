#include "app/device_status.hpp"

#include <chrono>

#include "thing/json_text.hpp"

namespace ts::app {

namespace {

void append_digits(std::string& out, int value, int width) {
    char buf[8];
    for (int i = width - 1; i >= 0; --i) {
        buf[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    out.append(buf, static_cast<std::size_t>(width));
}

// "yyyy-MM-dd{sep}HH:mm:ss.SSS{suffix}" for `ms` shifted by `offset_h` hours,
// as a JSON string. Calendar arithmetic rather than gmtime_r(), which takes
// the C library's time zone lock: four of these per connect and disconnect.
void append_time(std::string& out, std::int64_t ms, int offset_h, char sep,
                 std::string_view suffix) {
    using namespace std::chrono;
    // Floored, so that a time before 1970 still reads as a valid clock time
    // with its milliseconds.
    const sys_time<milliseconds> t{milliseconds{ms} + hours{offset_h}};
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{t - day};
    out += '"';
    append_digits(out, static_cast<int>(ymd.year()), 4);
    out += '-';
    append_digits(out, static_cast<int>(static_cast<unsigned>(ymd.month())), 2);
    out += '-';
    append_digits(out, static_cast<int>(static_cast<unsigned>(ymd.day())), 2);
    out += sep;
    append_digits(out, static_cast<int>(hms.hours().count()), 2);
    out += ':';
    append_digits(out, static_cast<int>(hms.minutes().count()), 2);
    out += ':';
    append_digits(out, static_cast<int>(hms.seconds().count()), 2);
    out += '.';
    append_digits(out, static_cast<int>(hms.subseconds().count()), 3);
    out += suffix;
    out += '"';
}

// Alibaba's consumers parse "time" in UTC+8 and "utcTime" as ISO-8601.
void append_china_time(std::string& out, std::int64_t ms) {
    append_time(out, ms, 8, ' ', "");
}
void append_utc_time(std::string& out, std::int64_t ms) {
    append_time(out, ms, 0, 'T', "Z");
}

}  // namespace

// Written as text, keys in the order a DOM dumps them: one message per
// connect and disconnect, where building and dumping a DOM with snprintf'd
// times was a tenth of the platform's CPU per signed connect.
std::string DeviceStatusPublisher::status_json(std::string_view status, std::string_view pk,
                                               std::string_view dn, std::int64_t time_ms,
                                               std::int64_t last_time_ms,
                                               std::string_view client_ip) {
    std::string out;
    out.reserve(256);
    out += "{\"clientIp\":";
    thing::append_json_string(out, client_ip);
    out += ",\"deviceName\":";
    thing::append_json_string(out, dn);
    out += ",\"lastTime\":";
    append_china_time(out, last_time_ms);
    out += ",\"productKey\":";
    thing::append_json_string(out, pk);
    out += ",\"status\":";
    thing::append_json_string(out, status);
    out += ",\"time\":";
    append_china_time(out, time_ms);
    out += ",\"utcLastTime\":";
    append_utc_time(out, last_time_ms);
    out += ",\"utcTime\":";
    append_utc_time(out, time_ms);
    out += '}';
    return out;
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
