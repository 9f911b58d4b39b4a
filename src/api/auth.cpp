#include "api/auth.hpp"

#include <cctype>

namespace ts::api {

bool constant_time_equal(std::string_view secret, std::string_view presented) {
    if (secret.empty()) return false;
    // volatile: keep the compiler from turning the loop into an early-exit
    // comparison.
    volatile unsigned char diff = secret.size() == presented.size() ? 0 : 1;
    for (std::size_t i = 0; i < presented.size(); ++i)
        diff = diff | static_cast<unsigned char>(secret[i % secret.size()] ^ presented[i]);
    return diff == 0;
}

std::optional<ApiError> check_bearer(std::string_view authorization, std::string_view admin_token) {
    if (authorization.empty())
        return unauthenticated("missing Authorization header (expected \"Bearer <token>\")");
    constexpr std::string_view kScheme = "bearer";
    bool is_bearer = authorization.size() > kScheme.size() && authorization[kScheme.size()] == ' ';
    for (std::size_t i = 0; is_bearer && i < kScheme.size(); ++i)
        is_bearer = std::tolower(static_cast<unsigned char>(authorization[i])) == kScheme[i];
    if (!is_bearer) return unauthenticated("the Authorization header is not a Bearer token");
    std::string_view token = authorization.substr(kScheme.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    if (!constant_time_equal(admin_token, token)) return unauthenticated("invalid bearer token");
    return std::nullopt;
}

}  // namespace ts::api
