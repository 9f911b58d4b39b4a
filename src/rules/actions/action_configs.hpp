#pragma once
// The per-type part of an action object, checked once by parse_action and
// read again by make_target from the stored JSON. Keeping one parser per type
// means the check and the use can never disagree about a field.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/expected.hpp"
#include "rules/actions/action.hpp"
#include "rules/actions/http_url.hpp"

namespace ts::rules::actions {

struct RepublishConfig {
    std::string topic;  // template
    int qos = 0;
};

struct WebhookConfig {
    HttpUrl url;  // its target is a template
    std::vector<std::pair<std::string, std::string>> headers;
    std::int64_t timeout_ms = 5000;
    bool insecure = false;  // skip certificate and host name checks
};

// One table column and the row field that fills it.
struct ColumnMapping {
    std::string column;
    std::string field;  // dotted path into the row ("a.b", "list.0")
};

struct DatabaseConfig {
    std::string table;                   // name or schema.name, checked
    std::vector<ColumnMapping> columns;  // empty: each top-level field of the row
    std::string connection;              // empty: the embedded SQLite database
    std::int64_t timeout_ms = 5000;
};

struct NatsConfig {
    std::string url;      // nats:// or tls://, comma-separated for a cluster
    std::string subject;  // template
    bool jetstream = true;
    std::int64_t timeout_ms = 5000;
};

// The fields each type accepts besides the common ones (type, retry, ...).
Expected<RepublishConfig, std::string> parse_republish(const nlohmann::json& j,
                                                       const std::string& where);
Expected<WebhookConfig, std::string> parse_webhook(const nlohmann::json& j,
                                                   const std::string& where);
Expected<DatabaseConfig, std::string> parse_database(const nlohmann::json& j,
                                                     const std::string& where);
Expected<NatsConfig, std::string> parse_nats(const nlohmann::json& j, const std::string& where);

// The targets; none of them connects before its first send.
Expected<std::unique_ptr<Target>, std::string> make_republish_target(RepublishConfig c,
                                                                     const TargetEnv& env);
Expected<std::unique_ptr<Target>, std::string> make_webhook_target(WebhookConfig c);
Expected<std::unique_ptr<Target>, std::string> make_sqlite_table_target(DatabaseConfig c,
                                                                        const TargetEnv& env);
Expected<std::unique_ptr<Target>, std::string> make_postgres_target(DatabaseConfig c);
Expected<std::unique_ptr<Target>, std::string> make_nats_target(NatsConfig c);

}  // namespace ts::rules::actions
