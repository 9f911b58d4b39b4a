#include "app/data_dir.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/log.hpp"

namespace ts::app {

Expected<void, std::string> prepare_data_dir(const std::string& dir) {
    std::error_code ec;
    const bool created = std::filesystem::create_directories(dir, ec);
    if (ec) return unexpected(ec.message());
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) return unexpected(std::string(std::strerror(errno)));
    const auto mode = st.st_mode & 0777;
    if (mode == 0700) return {};
    // chmod, not the mode given to mkdir: that one passes through the umask.
    if (::chmod(dir.c_str(), 0700) != 0) return unexpected(std::string(std::strerror(errno)));
    if (!created)
        ts::log::get("app")->info("data directory {}: mode {:o} tightened to 700", dir, mode);
    return {};
}

}  // namespace ts::app
