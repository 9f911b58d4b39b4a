#pragma once
// Everything `thingstead bench` can be told, shared by every scenario so the
// report can echo the parameters that shaped a figure.
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "mqtt/packets.hpp"

namespace ts::app::bench {

// Fills the client id (and later username/password) of client number
// `index`. Anonymous by default; device signing plugs in here.
using IdentityHook = std::function<void(std::size_t index, mqtt::Connect& connect)>;

struct BenchOptions {
    std::string scenario;
    std::string host = "127.0.0.1";
    std::uint16_t port = 1883;
    std::size_t threads = 2;
    std::size_t source_addresses = 1;  // 127.0.0.1 .. 127.0.0.N

    // fan-in / fan-out
    std::size_t publishers = 100;
    std::size_t subscribers = 1;
    double rate = 0;  // messages/s per publisher; 0 = flat out
    int qos = 0;
    std::size_t inflight = 64;  // unacknowledged QoS 1 messages per publisher
    // p2p's flat-out default differs (1: ping-pong), so it must know whether
    // --inflight was given.
    bool inflight_given = false;
    std::size_t payload_size = 64;
    // Bytes a connection may have queued for writing before its publisher
    // waits: flat out, the generator then runs at the pace the broker reads.
    std::size_t queue_bytes = 64 * 1024;

    // p2p
    std::size_t pairs = 100;

    // props
    std::size_t devices = 100;
    std::size_t values = 1;  // property values per post

    // Signing in as registered devices (connect, idle, props): the product
    // whose devices the bench registers through the REST API at `server`,
    // or a CSV of productKey,deviceName,deviceSecret.
    std::string product;
    std::string server;  // empty: $THINGSTEAD_SERVER, then http://127.0.0.1:8080
    std::string token;   // empty: $THINGSTEAD_TOKEN
    std::string devices_csv;

    // connect / idle
    std::size_t clients = 1000;
    std::size_t concurrency = 100;
    std::uint16_t keep_alive_s = 60;

    double duration_s = 10;
    double warmup_s = 2;
    std::optional<pid_t> broker_pid;
    bool json = false;

    IdentityHook identity;                     // empty: anonymous, "bench-<pid>-<index>"
    std::string identity_label = "anonymous";  // for the report: who the clients are
};

}  // namespace ts::app::bench
