#pragma once
// One server per data directory: two processes writing the same SQLite
// files and broker state would each believe they own them and diverge.
// serve takes an exclusive flock on {data_dir}/.lock for its whole life and
// writes its pid there, so a second server can say who holds it.
#include <string>

#include "core/error.hpp"
#include "core/expected.hpp"

namespace ts::app {

class DataDirLock {
public:
    // Locks `data_dir` (which must exist). Fails with a message naming the
    // directory and, when known, the pid of the process that holds it.
    static Expected<DataDirLock, Error> acquire(const std::string& data_dir);

    DataDirLock(DataDirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    DataDirLock& operator=(DataDirLock&&) = delete;
    DataDirLock(const DataDirLock&) = delete;
    DataDirLock& operator=(const DataDirLock&) = delete;
    // Closing the descriptor releases the lock (the file stays: removing it
    // would let a third process lock a new inode while a second waits on the
    // old one).
    ~DataDirLock();

private:
    explicit DataDirLock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

}  // namespace ts::app
