#include "store/private_file.hpp"

#include <sys/stat.h>

#include "core/log.hpp"

namespace ts::store {

void make_private_file(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
    const auto mode = st.st_mode & 0777;
    if (mode == 0600) return;
    if (::chmod(path.c_str(), 0600) != 0) return;
    // A file made just now by SQLite under the umask is expected; an existing
    // one readable by others is worth knowing about.
    ts::log::get("store")->info("{}: mode {:o} tightened to 600", path, mode);
}

}  // namespace ts::store
