#include "app/bench/device_credentials.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>

#include "registry/signing.hpp"

namespace ts::app::bench {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

// The CLI writes plain fields (keys, names and secrets have no commas or
// quotes); a field in double quotes is unquoted all the same.
std::vector<std::string> split_fields(std::string_view line) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const auto comma = line.find(',', start);
        auto f =
            trim(line.substr(start, comma == std::string_view::npos ? line.npos : comma - start));
        if (f.size() >= 2 && f.front() == '"' && f.back() == '"') f = f.substr(1, f.size() - 2);
        out.emplace_back(f);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

std::optional<std::size_t> column(const std::vector<std::string>& header, std::string_view name) {
    for (std::size_t i = 0; i < header.size(); ++i)
        if (header[i] == name) return i;
    return std::nullopt;
}

}  // namespace

Expected<std::vector<DeviceCredential>, std::string> parse_credentials_csv(std::string_view text) {
    std::vector<DeviceCredential> out;
    std::optional<std::size_t> pk, dn, secret;
    std::size_t line_no = 0;
    bool header_seen = false;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        const auto line = trim(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        ++line_no;
        if (line.empty()) continue;
        const auto fields = split_fields(line);
        if (!header_seen) {
            header_seen = true;
            pk = column(fields, "productKey");
            dn = column(fields, "deviceName");
            secret = column(fields, "deviceSecret");
            if (!pk || !dn || !secret)
                return unexpected(
                    std::string("line 1 must name the columns productKey,deviceName,deviceSecret"));
            continue;
        }
        const auto need = std::max({*pk, *dn, *secret}) + 1;
        if (fields.size() < need || fields[*pk].empty() || fields[*dn].empty() ||
            fields[*secret].empty())
            return unexpected("line " + std::to_string(line_no) +
                              " lacks a productKey, deviceName or deviceSecret");
        out.push_back({fields[*pk], fields[*dn], fields[*secret]});
    }
    if (out.empty()) return unexpected(std::string("no devices in the file"));
    return out;
}

Expected<std::vector<DeviceCredential>, std::string> credentials_from_batch_reply(
    const nlohmann::json& reply) {
    const auto items = reply.find("items");
    if (items == reply.end() || !items->is_array())
        return unexpected(std::string("the batch reply has no items"));
    std::vector<DeviceCredential> out;
    for (const auto& d : *items) {
        DeviceCredential c{d.value("productKey", ""), d.value("deviceName", ""),
                           d.value("deviceSecret", "")};
        if (c.product_key.empty() || c.device_name.empty() || c.device_secret.empty())
            return unexpected(std::string("the batch reply lacks a device's key, name or secret"));
        out.push_back(std::move(c));
    }
    return out;
}

void sign_in_as(const DeviceCredential& device, std::int64_t timestamp_ms, mqtt::Connect& connect) {
    const auto ts = std::to_string(timestamp_ms);
    registry::SignedClientId id;
    id.client_id = device.product_key + "." + device.device_name;
    id.params = {{"securemode", "3"}, {"signmethod", "hmacsha256"}, {"timestamp", ts}};
    const registry::DeviceUsername user{device.device_name, device.product_key};
    connect.client_id = id.client_id + "|securemode=3,signmethod=hmacsha256,timestamp=" + ts + "|";
    connect.username = device.device_name + "&" + device.product_key;
    connect.password =
        registry::sign("hmacsha256", device.device_secret, registry::signing_content(id, user))
            .value_or("");
}

IdentityHook device_identity(std::vector<DeviceCredential> devices) {
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    auto shared = std::make_shared<const std::vector<DeviceCredential>>(std::move(devices));
    return [shared, now_ms](std::size_t index, mqtt::Connect& c) {
        sign_in_as((*shared)[index % shared->size()], now_ms, c);
    };
}

}  // namespace ts::app::bench
