#pragma once
// The broker's limits and switches, filled from TOML and flags by app/.
#include <cstdint>
#include <string>

namespace ts::broker {

enum class QueueOverflow { DropOldest, DropNew };

struct BrokerConfig {
    bool allow_anonymous = false;
    std::uint32_t max_packet_size = 1024 * 1024;
    std::uint16_t max_inflight = 256;  // receive maximum granted, and the outgoing window
    // QoS 1/2 messages queued per session behind the window. At it, clients
    // publishing into the (online) session are paused until it is down to
    // half (see Broker::deliver); the drop policy applies where there is
    // nobody to pause (offline sessions, wills, platform messages).
    std::uint32_t max_queued_messages = 1000;
    QueueOverflow queue_overflow = QueueOverflow::DropOldest;
    std::uint32_t max_topic_length = 65535;
    std::uint32_t max_topic_levels = 128;
    std::uint32_t max_subscriptions_per_client = 1000;
    std::uint32_t max_clients = 1'000'000;
    std::uint16_t max_keepalive = 65535;  // larger requests get Server Keep Alive (5.0)
    std::uint32_t max_session_expiry = 0xFFFFFFFF;
    std::uint16_t topic_alias_maximum = 64;
    std::uint32_t connect_timeout_ms = 10'000;
    // Before sign-in a client is a stranger: a CONNECT larger than this is
    // refused from its fixed header alone, so a connection that has not
    // signed in holds at most this much of the broker's memory.
    std::uint32_t max_connect_packet_size = 16 * 1024;
    // Connections accepted that have not yet had their CONNECT answered, in
    // total and from one address (IPv6: one /64). Over either, a new
    // connection is closed at once. Each worker holds its share.
    std::uint32_t max_pending_connects = 16384;
    std::uint32_t max_pending_connects_per_address = 4096;
    std::uint32_t sys_interval_s = 10;  // 0: no $SYS publications
    bool retain_available = true;
    // Retained messages: a payload over max_retained_payload is not retained;
    // nor is a new topic past the totals, or past a client's own share.
    std::uint32_t max_retained_payload = 256 * 1024;
    std::uint32_t max_retained_messages = 100'000;
    std::uint64_t max_retained_bytes = 256ull * 1024 * 1024;  // topics and payloads
    std::uint32_t max_retained_per_client = 1000;
    std::uint64_t max_retained_bytes_per_client = 16ull * 1024 * 1024;
    // Bytes buffered for one connection past which QoS 0 messages to it are
    // dropped (a subscriber that does not read its socket).
    std::size_t max_pending_output = 4 * 1024 * 1024;
};

}  // namespace ts::broker
