// CONNECT signature checks (PROTOCOL.md 1.2). Each SDK differs a little
// (hex case, the npm SDK's SHA-1, an empty clientId under MQTT 5), so the
// parser is lenient about shape and strict only about the signature.
#include "registry/signing.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

#include "registry/secret_box.hpp"

namespace ts::registry {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](char c) {
        return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return out;
}

const EVP_MD* digest_for(std::string_view method) {
    const std::string m = lower(method);
    if (m == "hmacmd5") return EVP_md5();
    if (m == "hmacsha1") return EVP_sha1();
    if (m == "hmacsha256") return EVP_sha256();
    return nullptr;
}

bool equal_hex(std::string_view expected_lower, std::string_view given) {
    if (expected_lower.size() != given.size()) return false;
    const std::string g = lower(given);
    return CRYPTO_memcmp(expected_lower.data(), g.data(), g.size()) == 0;
}

bool matches(std::string_view method, std::string_view secret, std::string_view content,
             std::string_view password) {
    const auto expected = sign(method, secret, content);
    return expected && equal_hex(*expected, password);
}

}  // namespace

std::optional<SignedClientId> parse_signed_client_id(std::string_view raw) {
    const auto first = raw.find('|');
    const auto last = raw.rfind('|');
    // The block must be closed by a '|' that ends the string; values may
    // contain '|' (npm's lan=JS|WX), hence the last one closes it.
    if (first == std::string_view::npos || last == first || last + 1 != raw.size()) {
        return std::nullopt;
    }
    SignedClientId out;
    out.client_id = std::string(raw.substr(0, first));
    std::string_view block = raw.substr(first + 1, last - first - 1);
    while (!block.empty()) {
        const auto comma = block.find(',');
        const std::string_view item = block.substr(0, comma);
        block = comma == std::string_view::npos ? std::string_view{} : block.substr(comma + 1);
        const auto eq = item.find('=');
        // Empty items (a trailing comma) and bare words carry nothing to sign.
        if (eq == std::string_view::npos || eq == 0) continue;
        // First occurrence wins, so a repeated key cannot change what was
        // checked after the fact.
        out.params.emplace(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
    }
    return out;
}

std::optional<DeviceUsername> parse_device_username(std::string_view username) {
    const auto amp = username.find('&');
    if (amp == std::string_view::npos || amp == 0 || amp + 1 == username.size() ||
        username.find('&', amp + 1) != std::string_view::npos) {
        return std::nullopt;
    }
    return DeviceUsername{std::string(username.substr(0, amp)),
                          std::string(username.substr(amp + 1))};
}

std::string signing_content(const SignedClientId& id, const DeviceUsername& user) {
    // Sorted by name: clientId < deviceName < productKey < timestamp. The
    // clientId is always part of a signed clientId, even when empty (Link SDK
    // 4 with an MQTT 5 assigned identifier signs "clientId" + "").
    std::string content = "clientId" + id.client_id;
    content += "deviceName" + user.device_name;
    content += "productKey" + user.product_key;
    if (auto ts = id.params.find("timestamp"); ts != id.params.end())
        content += "timestamp" + ts->second;
    return content;
}

std::optional<std::string> sign(std::string_view method, std::string_view secret,
                                std::string_view content) {
    const EVP_MD* md = digest_for(method);
    if (md == nullptr) return std::nullopt;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    // OpenSSL refuses a null key pointer even with length 0.
    static constexpr char kEmpty[1] = {};
    const char* key = secret.empty() ? kEmpty : secret.data();
    if (HMAC(md, key, static_cast<int>(secret.size()),
             reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac,
             &mac_len) == nullptr) {
        return std::nullopt;
    }
    return to_hex(std::string_view(reinterpret_cast<const char*>(mac), mac_len));
}

bool verify_password(const SignedClientId& id, const DeviceUsername& user, std::string_view secret,
                     std::string_view password) {
    const auto declared = id.params.find("signmethod");
    // Not a conditional expression: its common type would be a temporary
    // std::string, leaving the view dangling.
    std::string_view method = "hmacmd5";
    if (declared != id.params.end()) method = declared->second;
    // An unknown method is refused outright rather than guessed at.
    if (digest_for(method) == nullptr) return false;
    const std::string content = signing_content(id, user);
    if (matches(method, secret, content, password)) return true;
    return lower(method) != "hmacsha1" && matches("hmacsha1", secret, content, password);
}

}  // namespace ts::registry
