#include "registry/secret_box.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <memory>

#include "registry/ids.hpp"

namespace ts::registry {

namespace {

constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

Unexpected<RegistryError> crypto_error(std::string what) {
    return unexpected(RegistryError{Errc::StorageError, std::move(what)});
}

const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* bytes(std::string& s) {
    return reinterpret_cast<unsigned char*>(s.data());
}

// EVP takes int lengths; secrets and row ids are tiny, but a huge value must
// not wrap.
bool fits_int(std::size_t n) {
    return n < (1u << 30);
}

}  // namespace

Result<SecretBox> SecretBox::create(std::string_view key) {
    if (key.size() != kMasterKeyBytes) {
        return unexpected(RegistryError{Errc::InvalidArgument, "master key: must be 32 bytes"});
    }
    return SecretBox(std::string(key));
}

SecretBox::SecretBox(SecretBox&& other) noexcept : key_(std::move(other.key_)) {
    other.wipe();
}

SecretBox& SecretBox::operator=(SecretBox&& other) noexcept {
    if (this != &other) {
        wipe();
        key_ = std::move(other.key_);
        other.wipe();
    }
    return *this;
}

SecretBox::~SecretBox() {
    wipe();
}

void SecretBox::wipe() {
    if (!key_.empty()) OPENSSL_cleanse(key_.data(), key_.size());
    key_.clear();
}

Result<std::string> SecretBox::seal(std::string_view plain, std::string_view aad) const {
    if (!fits_int(plain.size()) || !fits_int(aad.size())) return crypto_error("seal: too large");
    auto nonce = random_bytes(kNonceBytes);
    if (!nonce) return nonce;
    CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    std::string out = *nonce;
    out.resize(kNonceBytes + plain.size() + kTagBytes);
    int len = 0;
    int total = 0;
    bool ok =
        ctx != nullptr &&
        EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key_), bytes(*nonce)) ==
            1 &&
        EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(aad), static_cast<int>(aad.size())) == 1;
    ok = ok && EVP_EncryptUpdate(ctx.get(), bytes(out) + kNonceBytes, &len, bytes(plain),
                                 static_cast<int>(plain.size())) == 1;
    total = len;
    ok = ok && EVP_EncryptFinal_ex(ctx.get(), bytes(out) + kNonceBytes + total, &len) == 1;
    total += len;
    ok = ok && static_cast<std::size_t>(total) == plain.size() &&
         EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                             bytes(out) + kNonceBytes + total) == 1;
    if (!ok) return crypto_error("seal: AES-256-GCM encryption failed");
    return out;
}

Result<std::string> SecretBox::open(std::string_view sealed, std::string_view aad) const {
    if (sealed.size() < kNonceBytes + kTagBytes || !fits_int(sealed.size()) ||
        !fits_int(aad.size())) {
        return crypto_error("open: sealed value is truncated");
    }
    const std::string_view nonce = sealed.substr(0, kNonceBytes);
    const std::string_view body =
        sealed.substr(kNonceBytes, sealed.size() - kNonceBytes - kTagBytes);
    std::string tag(sealed.substr(sealed.size() - kTagBytes));
    CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    std::string plain(body.size(), '\0');
    int len = 0;
    bool ok =
        ctx != nullptr &&
        EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key_), bytes(nonce)) == 1 &&
        EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(aad), static_cast<int>(aad.size())) ==
            1 &&
        EVP_DecryptUpdate(ctx.get(), bytes(plain), &len, bytes(body),
                          static_cast<int>(body.size())) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                            tag.data()) == 1;
    int final_len = 0;
    // The tag is checked here: a wrong key or any changed byte fails.
    ok = ok && EVP_DecryptFinal_ex(ctx.get(), bytes(plain) + len, &final_len) == 1;
    if (!ok) {
        OPENSSL_cleanse(plain.data(), plain.size());
        return crypto_error("open: authentication failed (wrong master key or damaged value)");
    }
    return plain;
}

std::string to_hex(std::string_view data) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(data.size() * 2);
    for (const char c : data) {
        const auto b = static_cast<unsigned char>(c);
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 0xF]);
    }
    return out;
}

bool from_hex(std::string_view hex, std::string& out) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    if (hex.size() % 2 != 0) return false;
    out.clear();
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int hi = nibble(hex[i]);
        const int lo = nibble(hex[i + 1]);
        if (hi < 0 || lo < 0) return false;
        out.push_back(static_cast<char>(hi << 4 | lo));
    }
    return true;
}

}  // namespace ts::registry
