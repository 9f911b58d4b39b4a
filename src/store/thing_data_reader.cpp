#include "store/thing_data_reader.hpp"

namespace ts::store {

Expected<sqlite::Statement*, Error> ThingDataReader::statement(std::string_view sql) {
    if (auto it = statements_.find(sql); it != statements_.end()) return &it->second;
    auto stmt = db_.prepare(sql, /*reused=*/true);
    if (!stmt) return unexpected(stmt.error());
    // Map nodes do not move on rehash, so the pointer stays valid.
    return &statements_.emplace(sql, std::move(*stmt)).first->second;
}

}  // namespace ts::store
