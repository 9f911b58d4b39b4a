#pragma once
// Database files hold device secrets (sealed), rules and telemetry: only the
// platform's user may read them, whatever the umask was when SQLite created
// them.
#include <string>

namespace ts::store {

// Sets `path` to mode 0600 when it exists and allows more; logs when it
// tightened a file. A missing file or a failing chmod is left alone (the
// file system may not have modes); neither stops the platform.
void make_private_file(const std::string& path);

}  // namespace ts::store
