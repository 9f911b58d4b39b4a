#pragma once
// For the thing routes' tests: a DeviceLink that records what the thing
// layer sends to devices and publishes, with a switch for "the device is
// connected" and a hook that lets a test answer as a device would.
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "thing/device_link.hpp"

namespace ts::api::test {

struct Downlink {
    std::string product_key;
    std::string device_name;
    std::string topic;
    std::string payload;
    int qos = 0;
};

struct Forwarded {
    std::string topic;
    std::string payload;
};

class RecordingLink final : public thing::DeviceLink {
public:
    bool send_to_device(const std::string& pk, const std::string& dn, std::string topic,
                        std::string payload, int qos) override {
        std::function<void(const Downlink&)> hook;
        Downlink sent{pk, dn, std::move(topic), std::move(payload), qos};
        {
            std::lock_guard lock(mu_);
            if (!connected_) return false;
            sent_.push_back(sent);
            hook = hook_;
        }
        // Outside the lock: the hook may call back into the thing layer.
        if (hook) hook(sent);
        return true;
    }
    void publish(std::string topic, std::string payload) override {
        std::lock_guard lock(mu_);
        published_.push_back({std::move(topic), std::move(payload)});
    }

    void set_connected(bool connected) {
        std::lock_guard lock(mu_);
        connected_ = connected;
    }
    // Called after each downlink that reached the "device".
    void on_send(std::function<void(const Downlink&)> hook) {
        std::lock_guard lock(mu_);
        hook_ = std::move(hook);
    }
    std::vector<Downlink> sent() {
        std::lock_guard lock(mu_);
        return sent_;
    }
    std::vector<Forwarded> published() {
        std::lock_guard lock(mu_);
        return published_;
    }
    // The downlinks on `topic`, oldest first.
    std::vector<Downlink> sent_on(const std::string& topic) {
        std::lock_guard lock(mu_);
        std::vector<Downlink> out;
        for (const auto& d : sent_)
            if (d.topic == topic) out.push_back(d);
        return out;
    }
    void clear() {
        std::lock_guard lock(mu_);
        sent_.clear();
        published_.clear();
    }

private:
    std::mutex mu_;
    bool connected_ = true;
    std::function<void(const Downlink&)> hook_;
    std::vector<Downlink> sent_;
    std::vector<Forwarded> published_;
};

}  // namespace ts::api::test
