// CONNECT signature checks (PROTOCOL.md 1.2). Each SDK differs a little
// (hex case, the npm SDK's SHA-1, an empty clientId under MQTT 5), so the
// parser is lenient about shape and strict only about the signature.
#include "registry/signing.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>
#include <memory>

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

enum class Digest { md5, sha1, sha256 };

std::optional<Digest> digest_for(std::string_view method) {
    const std::string m = lower(method);
    if (m == "hmacmd5") return Digest::md5;
    if (m == "hmacsha1") return Digest::sha1;
    if (m == "hmacsha256") return Digest::sha256;
    return std::nullopt;
}

// OpenSSL 3's one-shot HMAC() looks the MAC and the digest up by name on
// every call, which in a profile of signed connects cost more than the
// hashing. Each thread keeps one context per digest, set up on first use;
// a signature then only re-keys it.
class HmacContexts {
public:
    EVP_MAC_CTX* get(Digest d) {
        auto& slot = contexts_[static_cast<std::size_t>(d)];
        if (!slot) slot.reset(make(d));
        return slot.get();
    }

private:
    struct Free {
        void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
    };

    static EVP_MAC* hmac() {
        // Fetched once for the process; never freed, as it lives as long.
        static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        return mac;
    }

    static EVP_MAC_CTX* make(Digest d) {
        if (hmac() == nullptr) return nullptr;
        EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(hmac());
        if (ctx == nullptr) return nullptr;
        static constexpr std::array<const char*, 3> kNames = {"MD5", "SHA1", "SHA256"};
        const OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(
                OSSL_MAC_PARAM_DIGEST, const_cast<char*>(kNames[static_cast<std::size_t>(d)]), 0),
            OSSL_PARAM_construct_end()};
        if (EVP_MAC_CTX_set_params(ctx, params) != 1) {
            EVP_MAC_CTX_free(ctx);
            return nullptr;
        }
        return ctx;
    }

    std::array<std::unique_ptr<EVP_MAC_CTX, Free>, 3> contexts_;
};

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
    const auto digest = digest_for(method);
    if (!digest) return std::nullopt;
    thread_local HmacContexts contexts;
    EVP_MAC_CTX* ctx = contexts.get(*digest);
    if (ctx == nullptr) return std::nullopt;
    // A null key would mean "the previous key" to EVP_MAC_init: an empty
    // secret must be an empty key, so the pointer is never null.
    static constexpr unsigned char kEmpty[1] = {};
    const auto* key =
        secret.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(secret.data());
    unsigned char mac[EVP_MAX_MD_SIZE];
    std::size_t mac_len = 0;
    if (EVP_MAC_init(ctx, key, secret.size(), nullptr) != 1 ||
        EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(content.data()),
                       content.size()) != 1 ||
        EVP_MAC_final(ctx, mac, &mac_len, sizeof mac) != 1) {
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
    if (!digest_for(method)) return false;
    const std::string content = signing_content(id, user);
    if (matches(method, secret, content, password)) return true;
    return lower(method) != "hmacsha1" && matches("hmacsha1", secret, content, password);
}

}  // namespace ts::registry
