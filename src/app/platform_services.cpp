#include "app/platform_services.hpp"

#include <fmt/format.h>

#include "app/device_authenticator.hpp"
#include "mqtt/codec.hpp"

namespace ts::app {

Expected<void, std::string> BrokerPublisher::publish(const std::string& topic, std::string payload,
                                                     int qos, bool retain) {
    if (!mqtt::is_valid_topic_name(topic))
        return unexpected(std::string("topic: not a valid MQTT topic name"));
    if (qos < 0 || qos > 2) return unexpected(std::string("qos: must be 0, 1 or 2"));
    if (payload.size() > broker_.config().max_packet_size)
        return unexpected(std::string("payload: larger than the maximum packet size"));
    broker_.publish_from_platform(topic, std::move(payload), static_cast<mqtt::QoS>(qos), retain);
    return {};
}

std::string BrokerMetrics::prometheus_text() {
    auto t = broker_.totals();
    std::string out;
    auto metric = [&out](const char* name, const char* type, const char* help, std::uint64_t v) {
        out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, v);
    };
    metric("thingstead_mqtt_connections", "gauge", "Open MQTT connections.", t.connections);
    metric("thingstead_mqtt_sessions", "gauge", "MQTT sessions, online and offline.", t.sessions);
    metric("thingstead_mqtt_subscriptions", "gauge", "Subscriptions in the index.",
           t.subscriptions);
    metric("thingstead_mqtt_retained_messages", "gauge", "Retained messages.", t.retained);
    metric("thingstead_mqtt_messages_received_total", "counter", "PUBLISH packets received.",
           t.messages_received);
    metric("thingstead_mqtt_messages_sent_total", "counter", "PUBLISH packets sent.",
           t.messages_sent);
    metric("thingstead_mqtt_messages_dropped_total", "counter",
           "Messages dropped: full queues, slow subscribers, too large for a client.", t.dropped);
    metric("thingstead_mqtt_connections_refused_total", "counter",
           "Connections closed at accept: over the limits on connections not yet signed in.",
           t.connections_refused);
    metric("thingstead_mqtt_publishes_denied_total", "counter",
           "PUBLISH packets refused by the topic rights.", t.publishes_denied);
    metric("thingstead_mqtt_retained_refused_total", "counter",
           "Retained messages not kept: payload, total or per-client limits.", t.retained_refused);
    metric("thingstead_mqtt_retained_bytes", "gauge", "Bytes of retained topics and payloads.",
           t.retained_bytes);
    metric("thingstead_mqtt_bytes_received_total", "counter", "Bytes read from MQTT clients.",
           t.bytes_received);
    metric("thingstead_mqtt_bytes_sent_total", "counter", "Bytes written to MQTT clients.",
           t.bytes_sent);
    if (thing_) {
        const auto& c = thing_->counters();
        metric("thingstead_thing_property_posts_total", "counter", "Property posts received.",
               c.property_posts.load());
        metric("thingstead_thing_property_values_stored_total", "counter",
               "Property values validated and stored.", c.property_values_stored.load());
        metric("thingstead_thing_validation_failures_total", "counter",
               "Posts with at least one value that failed the thing model.",
               c.validation_failures.load());
        metric("thingstead_thing_events_stored_total", "counter", "Events stored.",
               c.events_stored.load());
        metric("thingstead_thing_downlinks_sent_total", "counter",
               "Property sets and service calls sent to devices.", c.downlinks_sent.load());
        metric("thingstead_thing_replies_received_total", "counter",
               "Replies from devices to property sets and service calls.",
               c.replies_received.load());
    }
    if (rules_) out += rules_->prometheus_text();
    if (auth_) out += auth_->prometheus_text();
    return out;
}

bool BrokerDeviceLink::send_to_device(const std::string& pk, const std::string& dn,
                                      std::string topic, std::string payload, int qos) {
    return broker_.publish_to_client(device_session_key(pk, dn), std::move(topic),
                                     std::move(payload), static_cast<mqtt::QoS>(qos));
}

std::string BrokerDeviceLink::server_address(const std::string& pk, const std::string& dn) {
    return broker_.client_local_address(device_session_key(pk, dn));
}

void BrokerDeviceLink::publish(std::string topic, std::string payload) {
    broker_.publish_from_platform(std::move(topic), std::move(payload), mqtt::QoS::AtMostOnce,
                                  false);
}

}  // namespace ts::app
