// load_master_key: the key that encrypts secrets at rest. Losing it loses
// every device secret, so the file is never overwritten, and a file of the
// wrong size is an error rather than a reason to make a new key.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "core/log.hpp"
#include "registry/ids.hpp"
#include "registry/registry.hpp"
#include "registry/secret_box.hpp"

namespace ts::registry {

namespace {

constexpr const char* kEnvVar = "THINGSTEAD_MASTER_KEY";

Unexpected<RegistryError> key_error(std::string message) {
    return unexpected(RegistryError{Errc::StorageError, std::move(message)});
}

std::string errno_text() {
    return std::strerror(errno);
}

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
};

Result<std::string> read_key_file(const std::string& path, int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return key_error(fmt::format("{}: {}", path, errno_text()));
    if (st.st_size != static_cast<off_t>(kMasterKeyBytes)) {
        return key_error(
            fmt::format("{}: must hold exactly {} bytes, holds {}; refusing to use or "
                        "replace it",
                        path, kMasterKeyBytes, st.st_size));
    }
    if ((st.st_mode & 077) != 0) {
        log::get("registry")
            ->warn("{} is readable by other users (mode {:o}); chmod 600 it", path,
                   st.st_mode & 0777);
    }
    std::string key(kMasterKeyBytes, '\0');
    std::size_t got = 0;
    while (got < key.size()) {
        const ssize_t n = ::read(fd, key.data() + got, key.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return key_error(fmt::format("{}: short read", path));
        got += static_cast<std::size_t>(n);
    }
    return key;
}

// `raced`: another process created the file first; the caller reads it.
Result<std::string> create_key_file(const std::string& path, bool& raced) {
    // O_EXCL: two processes starting at once must not both write a key; the
    // loser reads the winner's.
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.get() < 0) {
        raced = errno == EEXIST;
        return key_error(fmt::format("{}: cannot create: {}", path, errno_text()));
    }
    auto key = random_bytes(kMasterKeyBytes);
    if (!key) return key;
    std::size_t put = 0;
    while (put < key->size()) {
        const ssize_t n = ::write(fd.get(), key->data() + put, key->size() - put);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const std::string why = errno_text();
            ::unlink(path.c_str());
            return key_error(fmt::format("{}: cannot write: {}", path, why));
        }
        put += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) {
        const std::string why = errno_text();
        ::unlink(path.c_str());
        return key_error(fmt::format("{}: cannot sync: {}", path, why));
    }
    log::get("registry")->info("created master key {}; back it up with the data", path);
    return key;
}

}  // namespace

Result<std::string> load_master_key(const std::string& data_dir) {
    if (const char* env = std::getenv(kEnvVar); env != nullptr && *env != '\0') {
        std::string key;
        if (std::strlen(env) != 2 * kMasterKeyBytes || !from_hex(env, key)) {
            return unexpected(RegistryError{
                Errc::InvalidArgument,
                fmt::format("{}: must be {} hex characters", kEnvVar, 2 * kMasterKeyBytes)});
        }
        return key;
    }
    std::error_code ec;
    std::filesystem::create_directories(data_dir, ec);
    if (ec) return key_error(fmt::format("{}: cannot create: {}", data_dir, ec.message()));
    const std::string path = data_dir + "/master.key";
    for (int attempt = 0; attempt < 2; ++attempt) {
        Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        if (fd.get() >= 0) return read_key_file(path, fd.get());
        if (errno != ENOENT) return key_error(fmt::format("{}: {}", path, errno_text()));
        bool raced = false;
        auto created = create_key_file(path, raced);
        if (!raced) return created;
    }
    return key_error(fmt::format("{}: cannot read or create", path));
}

}  // namespace ts::registry
