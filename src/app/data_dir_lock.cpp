#include "app/data_dir_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include <fmt/format.h>

namespace ts::app {

namespace {

// The pid the holder wrote, or "" when the file holds none (yet).
std::string read_holder(int fd) {
    char buf[32] = {};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return {};
    std::string text(buf, static_cast<std::size_t>(n));
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    for (char c : text)
        if (c < '0' || c > '9') return {};
    return text;
}

}  // namespace

Expected<DataDirLock, Error> DataDirLock::acquire(const std::string& data_dir) {
    const auto path = (std::filesystem::path(data_dir) / ".lock").string();
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return unexpected(
            Error{1, fmt::format("cannot open the lock file {}: {}", path, std::strerror(errno))});
    DataDirLock lock(fd);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int e = errno;
        if (e != EWOULDBLOCK)
            return unexpected(Error{1, fmt::format("cannot lock {}: {}", path, std::strerror(e))});
        const std::string pid = read_holder(fd);
        return unexpected(
            Error{1, fmt::format("data directory {} is in use by another thingstead process{}; "
                                 "refusing to start (one server per data directory)",
                                 data_dir, pid.empty() ? std::string() : " (pid " + pid + ")")});
    }
    // Ours now: record who holds it. Failing to write the pid is not a
    // reason to refuse; the lock itself is what protects the directory.
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) == 0) {
        [[maybe_unused]] const ssize_t n = ::pwrite(fd, pid.data(), pid.size(), 0);
    }
    return lock;
}

DataDirLock::~DataDirLock() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace ts::app
