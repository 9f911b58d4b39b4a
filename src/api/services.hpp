#pragma once
// The services the API needs from layers it may not link against. The caller
// owns the interface (STYLE.md 3): the API declares what it needs, app/ plugs
// the broker in, and the API's tests plug in recording fakes.
#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"

namespace ts::api {

// Publishes a message as if a trusted server-side client had sent it.
class MessagePublisher {
public:
    virtual ~MessagePublisher() = default;
    // The error string says why the broker refused the message.
    virtual Expected<void, std::string> publish(const std::string& topic, std::string payload,
                                                int qos, bool retain) = 0;
};

// The platform's metrics in the Prometheus text exposition format.
class MetricsSource {
public:
    virtual ~MetricsSource() = default;
    virtual std::string prometheus_text() = 0;
};

// What /healthz and /readyz report. Cheap to gather (flags, no I/O): load
// balancers and orchestrators poll it every few seconds.
struct HealthReport {
    // A background store writer: its name ("thingData") and whether the last
    // commit it attempted failed (disk full, I/O error, a lock held too long).
    struct Writer {
        std::string name;
        bool last_write_failed = false;
    };
    std::vector<Writer> storage;
    bool shutting_down = false;
};

class HealthSource {
public:
    virtual ~HealthSource() = default;
    virtual HealthReport health() = 0;
};

// The platform's own messages about devices (status changes, accepted
// property and event posts, call replies, validation failures; their topics
// and payloads are in docs/rules-sources.md), for live views.
class DeviceFeed {
public:
    // Ends the subscription when destroyed; no call is made after that.
    class Subscription {
    public:
        virtual ~Subscription() = default;
    };
    using Listener = std::function<void(std::string_view topic, std::string_view payload)>;

    virtual ~DeviceFeed() = default;
    // `listener` runs on the broker's routing threads for each platform
    // message on a topic matching one of `filters`: it must not block.
    virtual std::unique_ptr<Subscription> subscribe(const std::vector<std::string>& filters,
                                                    Listener listener) = 0;
};

// Figures for the console's overview (see GET /overview in openapi.cpp).
class OverviewSource {
public:
    virtual ~OverviewSource() = default;
    virtual nlohmann::json overview() = 0;
};

}  // namespace ts::api
