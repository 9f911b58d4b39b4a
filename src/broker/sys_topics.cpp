// $SYS/broker/... statistics, published as retained messages.
#include <fmt/format.h>

#include "broker/broker.hpp"

namespace ts::broker {

void Broker::publish_sys() {
    auto t = totals();
    Millis now = clock_.now_ms();
    auto put = [&](const char* topic, std::uint64_t value) {
        auto m = std::make_shared<Message>();
        m->topic = topic;
        m->payload = SharedBuffer::copy_of(fmt::format("{}", value));
        m->retain = true;
        publish(m);
    };
    put("$SYS/broker/uptime", static_cast<std::uint64_t>((now - started_at_) / 1000));
    put("$SYS/broker/clients/connected", t.connections);
    put("$SYS/broker/sessions", t.sessions);
    put("$SYS/broker/subscriptions/count", t.subscriptions);
    put("$SYS/broker/retained messages/count", t.retained);
    put("$SYS/broker/retained messages/bytes", t.retained_bytes);
    put("$SYS/broker/retained messages/refused", t.retained_refused);
    put("$SYS/broker/clients/refused", t.connections_refused);
    put("$SYS/broker/publishes/denied", t.publishes_denied);
    put("$SYS/broker/messages/received", t.messages_received);
    put("$SYS/broker/messages/sent", t.messages_sent);
    put("$SYS/broker/messages/dropped", t.dropped);
    put("$SYS/broker/bytes/received", t.bytes_received);
    put("$SYS/broker/bytes/sent", t.bytes_sent);
}

}  // namespace ts::broker
