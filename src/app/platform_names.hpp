#pragma once
// Client ids and topics the platform keeps for itself. Application and
// anonymous clients may not take them: a client id in the form of a device's
// session key would take over that device's session, and a message on a
// topic only the platform publishes to would speak in the platform's name
// (forged device status, broker statistics, forwarded device data).
#include <string>
#include <string_view>

namespace ts::app {

// The broker session key of a device: one session per device, whatever
// client id its SDK makes up for each connection.
inline constexpr std::string_view kDeviceSessionPrefix = "device:";
inline std::string device_session_key(std::string_view pk, std::string_view dn) {
    std::string k(kDeviceSessionPrefix);
    k.append(pk).append("/").append(dn);
    return k;
}

// "device:…" (a device's session key) and "ts-{hex}-{number}" (an
// identifier the broker assigns to a client that sent an empty one).
bool is_reserved_client_id(std::string_view client_id);

// "$SYS" and below (broker statistics), "/as/mqtt/status" and below (device
// status) and "/{pk}/{dn}/thing/…" (device data the platform forwards once
// it has accepted it).
bool is_platform_topic(std::string_view topic);

}  // namespace ts::app
