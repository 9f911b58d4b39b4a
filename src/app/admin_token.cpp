#include "app/admin_token.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

namespace ts::app {

Expected<AdminToken, Error> load_admin_token(const std::string& data_dir) {
    if (const char* env = std::getenv("THINGSTEAD_ADMIN_TOKEN"); env && *env)
        return AdminToken{env, "environment", false};
    auto path = (std::filesystem::path(data_dir) / "admin.token").string();
    if (std::ifstream in(path); in) {
        std::string token;
        std::getline(in, token);
        if (token.size() < 16)
            return unexpected(Error{1, fmt::format("{}: token too short", path)});
        return AdminToken{token, path, false};
    }
    unsigned char raw[24];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return unexpected(Error{1, "no random bytes for the admin token"});
    std::string token = "ts_";
    for (unsigned char b : raw) token += fmt::format("{:02x}", b);
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) return unexpected(Error{1, fmt::format("cannot create {}", path)});
    std::string line = token + "\n";
    bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ::close(fd);
    if (!ok) return unexpected(Error{1, fmt::format("cannot write {}", path)});
    return AdminToken{token, path, true};
}

}  // namespace ts::app
