#pragma once
// Error codes of the store layer, carried in ts::Error::code. The SQLite
// result code and message go into ts::Error::message; callers branch on the
// category only (retry on busy, report full disks, refuse newer schemas).
#include <string>
#include <utility>

#include "core/error.hpp"

namespace ts::store {

enum class StoreErrc : int {
    open_failed = 1,        // the database file cannot be opened or created
    sql = 2,                // a statement failed for another reason
    busy = 3,               // locked by another connection beyond the busy timeout
    full = 4,               // disk or database full
    io = 5,                 // I/O error reading or writing the file
    corrupt = 6,            // the file is not a database or is damaged
    constraint = 7,         // a constraint (unique, not null, ...) was violated
    schema = 8,             // invalid migration list, or the database is newer than this build
    read_only = 9,          // the file or its directory cannot be written
    invalid_argument = 10,  // the caller's input (a page token, an interval) is not valid
};

inline Error make_error(StoreErrc code, std::string message) {
    return Error{static_cast<int>(code), std::move(message)};
}

}  // namespace ts::store
