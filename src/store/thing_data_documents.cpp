// The document reads and management writes: thing models, shadows and
// desired values (loaded at start), remote config files.
#include "store/thing_data_reader.hpp"

namespace ts::store {

namespace {

using sqlite::Blob;
using sqlite::Statement;

}  // namespace

Expected<void, Error> ThingDataReader::put_thing_model(const std::string& pk,
                                                       const std::string& document_json,
                                                       std::int64_t updated_time) {
    std::lock_guard lock(mutex_);
    return execute(
        "INSERT INTO thing_models (pk, document, updated_time) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (pk) DO UPDATE SET document = excluded.document, "
        "updated_time = excluded.updated_time",
        pk, document_json, updated_time);
}

Expected<void, Error> ThingDataReader::delete_thing_model(const std::string& pk) {
    std::lock_guard lock(mutex_);
    return execute("DELETE FROM thing_models WHERE pk = ?1", pk);
}

Expected<std::vector<std::pair<std::string, std::string>>, Error>
ThingDataReader::load_thing_models() {
    std::vector<std::pair<std::string, std::string>> out;
    std::lock_guard lock(mutex_);
    auto st = query("SELECT pk, document FROM thing_models ORDER BY pk", [&](const Statement& s) {
        out.emplace_back(s.column_text(0), s.column_text(1));
    });
    if (!st) return unexpected(st.error());
    return out;
}

Expected<std::vector<ShadowRecord>, Error> ThingDataReader::load_shadows() {
    std::vector<ShadowRecord> out;
    std::lock_guard lock(mutex_);
    auto st =
        query("SELECT pk, dn, document_json, version, updated_time FROM shadows ORDER BY pk, dn",
              [&](const Statement& s) {
                  out.push_back(ShadowRecord{
                      .product_key = s.column_text(0),
                      .device_name = s.column_text(1),
                      .document_json = s.column_text(2),
                      .version = s.column_int64(3),
                      .updated_time = s.column_int64(4),
                  });
              });
    if (!st) return unexpected(st.error());
    return out;
}

Expected<std::vector<DesiredValue>, Error> ThingDataReader::load_desired() {
    std::vector<DesiredValue> out;
    std::lock_guard lock(mutex_);
    auto st = query(
        "SELECT pk, dn, identifier, value_json, version, time_ms FROM desired "
        "ORDER BY pk, dn, identifier",
        [&](const Statement& s) {
            out.push_back(DesiredValue{
                .product_key = s.column_text(0),
                .device_name = s.column_text(1),
                .identifier = s.column_text(2),
                .value_json = s.column_text(3),
                .version = s.column_int64(4),
                .time_ms = s.column_int64(5),
            });
        });
    if (!st) return unexpected(st.error());
    return out;
}

Expected<void, Error> ThingDataReader::put_config(const ConfigFile& file) {
    std::lock_guard lock(mutex_);
    // Config files are bytes (any encoding), hence a blob.
    return execute(
        "INSERT INTO configs (pk, config_id, content, sha256_hex, updated_time) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (pk) DO UPDATE SET "
        "config_id = excluded.config_id, content = excluded.content, "
        "sha256_hex = excluded.sha256_hex, updated_time = excluded.updated_time",
        file.product_key, file.config_id, Blob{file.content}, file.sha256_hex, file.updated_time);
}

Expected<std::optional<ConfigFile>, Error> ThingDataReader::get_config(const std::string& pk) {
    std::optional<ConfigFile> out;
    std::lock_guard lock(mutex_);
    auto st = query(
        "SELECT config_id, content, sha256_hex, updated_time FROM configs WHERE pk = ?1",
        [&](const Statement& s) {
            out = ConfigFile{
                .product_key = pk,
                .config_id = s.column_text(0),
                .content = s.column_blob(1),
                .sha256_hex = s.column_text(2),
                .updated_time = s.column_int64(3),
            };
        },
        pk);
    if (!st) return unexpected(st.error());
    return out;
}

}  // namespace ts::store
