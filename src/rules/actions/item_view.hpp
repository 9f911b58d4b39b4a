#pragma once
// What every target needs from an ActionItem: the message facts as a
// MessageView for templates, and the row as JSON text.
#include <string>

#include <nlohmann/json.hpp>

#include "rules/actions/action.hpp"
#include "rules/sql/message_view.hpp"

namespace ts::rules::actions {

// Views into `item`, which must outlive the result.
inline MessageView message_view(const ActionItem& item) {
    MessageView m;
    m.topic = item.topic;
    m.payload = item.payload;
    m.json = &item.row;
    m.product_key = item.product_key;
    m.device_name = item.device_name;
    m.client_ip = item.client_ip;
    m.message_id = item.message_id;
    m.timestamp_ms = item.timestamp_ms;
    return m;
}

// Rows can hold strings that are not valid UTF-8 (a device's raw bytes);
// dump() would throw on those, so they are replaced rather than failing the
// row.
inline std::string row_json(const nlohmann::json& v) {
    return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace ts::rules::actions
