#pragma once
// Which fields of a rule's actions are secrets, and how they are shown. The
// store keeps them sealed (sealed_rule_store.hpp); the API shows them masked;
// a PATCH that sends a masked value back keeps the stored secret.
//
//   webhook   headers: Authorization, Proxy-Authorization, Cookie, and any
//             header whose name contains "token", "key", "secret" or
//             "password" (any case); shown as "****"
//   database  connection: the whole string is sealed; shown with its password
//             masked ("postgresql://u:****@h/db", "password=****")
//   nats      url: the whole list is sealed; shown with user info masked
//             ("nats://u:****@h", "nats://****@h" for a token)
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace ts::rules {

inline constexpr std::string_view kMaskedSecret = "****";

// One secret field: where it is inside the rule ("actions/0/headers/X-Key"
// style, for the sealing's associated data) and the field itself.
struct SecretField {
    std::string location;
    nlohmann::json* value;
};

// The secret fields present in a rule's actions (an array) or error action
// (an object or null), whatever their value (plain or sealed). `where` is
// "actions" or "errorAction".
std::vector<SecretField> secret_fields(nlohmann::json& actions, std::string_view where);

// What the API shows for one plain secret value at `location`.
std::string mask_secret(std::string_view location, std::string_view value);

// A copy with every plain secret masked.
nlohmann::json mask_secrets(nlohmann::json actions, std::string_view where);

// For a PATCH: each secret of `next` that is exactly the mask of the secret
// at the same place in `prev` takes prev's value back.
void keep_masked_secrets(nlohmann::json& next, nlohmann::json prev, std::string_view where);

}  // namespace ts::rules
