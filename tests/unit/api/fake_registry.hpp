#pragma once
// An in-memory Registry for the API tests: enough behaviour (validation that
// names the field, duplicates, not-found, paging with opaque tokens) to
// drive every API path without SQLite.
#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "registry/registry.hpp"

namespace ts::api::test {

class FakeRegistry final : public registry::Registry {
public:
    using Errc = registry::Errc;
    template <typename T>
    using Result = registry::Result<T>;

    // The next call to any management method fails with this error once.
    void fail_next(registry::RegistryError e) {
        std::lock_guard lock(mu_);
        fail_next_ = std::move(e);
    }
    // Lets tests put a device online without a broker.
    void set_online(const std::string& pk, const std::string& dn, const std::string& ip) {
        std::lock_guard lock(mu_);
        auto& d = devices_.at({pk, dn});
        d.online = true;
        d.first_online_time = d.first_online_time ? d.first_online_time : 1234;
        d.last_online_time = 1234;
        d.ip_address = ip;
    }

    Result<registry::Product> create_product(const registry::ProductSpec& spec) override {
        std::lock_guard lock(mu_);
        if (auto e = take_failure()) return unexpected(*e);
        if (spec.name.empty() || spec.name.size() > 64)
            return err(Errc::InvalidArgument, "name: must be 1 to 64 characters");
        // The real registry allows repeated names; the fake refuses them so
        // that the 409 mapping has a test.
        for (auto& [k, p] : products_)
            if (p.name == spec.name) return err(Errc::ProductExists, "product name taken");
        registry::Product p;
        char key[16];
        std::snprintf(key, sizeof key, "a1Prod%05d", ++counter_);
        p.product_key = key;
        p.name = spec.name;
        p.node_type = spec.node_type;
        p.data_format = spec.data_format;
        p.auth_type = spec.auth_type;
        p.description = spec.description;
        p.validation_mode = spec.validation_mode;
        p.product_secret = "psecret" + std::to_string(counter_);
        p.created_time = 1'700'000'000'000 + counter_;
        products_[p.product_key] = p;
        return p;
    }
    Result<registry::Page<registry::Product>> list_products(std::size_t page_size,
                                                            const std::string& token) override {
        std::lock_guard lock(mu_);
        std::vector<registry::Product> all;
        for (auto& [k, p] : products_) all.push_back(p);
        return page(all, page_size, token);
    }
    Result<registry::Product> get_product(const std::string& pk) override {
        std::lock_guard lock(mu_);
        if (auto e = take_failure()) return unexpected(*e);
        auto it = products_.find(pk);
        if (it == products_.end()) return err(Errc::ProductNotFound, "no product " + pk);
        return it->second;
    }
    Result<registry::Product> update_product(const std::string& pk,
                                             const registry::ProductPatch& patch) override {
        std::lock_guard lock(mu_);
        auto it = products_.find(pk);
        if (it == products_.end()) return err(Errc::ProductNotFound, "no product " + pk);
        if (patch.name && patch.name->empty())
            return err(Errc::InvalidArgument, "name: must be 1 to 64 characters");
        if (patch.name) it->second.name = *patch.name;
        if (patch.description) it->second.description = *patch.description;
        if (patch.validation_mode) it->second.validation_mode = *patch.validation_mode;
        return it->second;
    }
    Result<void> delete_product(const std::string& pk) override {
        std::lock_guard lock(mu_);
        if (!products_.count(pk)) return err(Errc::ProductNotFound, "no product " + pk);
        for (auto& [key, d] : devices_)
            if (key.first == pk) return err(Errc::ProductHasDevices, "product has devices");
        products_.erase(pk);
        topic_classes_.erase(pk);
        return {};
    }

    Result<registry::Device> register_device(const std::string& pk,
                                             const std::string& name) override {
        std::lock_guard lock(mu_);
        auto v = register_locked(pk, name, true);
        if (!v) return unexpected(v.error());
        return *v;
    }
    Result<std::vector<registry::Device>> register_devices(
        const std::string& pk, const std::vector<std::string>& names) override {
        std::lock_guard lock(mu_);
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (auto bad = check_name(names[i])) return unexpected(*bad);
            if (devices_.count({pk, names[i]}) ||
                std::count(names.begin(), names.end(), names[i]) > 1)
                return err(Errc::DeviceExists, "device " + names[i] + " exists");
        }
        std::vector<registry::Device> out;
        for (const auto& n : names) {
            auto d = register_locked(pk, n, false);
            if (!d) return unexpected(d.error());
            out.push_back(*d);
        }
        return out;
    }
    Result<std::vector<registry::Device>> register_devices(const std::string& pk,
                                                           std::size_t count) override {
        std::lock_guard lock(mu_);
        if (count > 1000) return err(Errc::LimitExceeded, "count: at most 1000");
        std::vector<registry::Device> out;
        for (std::size_t i = 0; i < count; ++i) {
            auto d = register_locked(pk, "", false);
            if (!d) return unexpected(d.error());
            out.push_back(*d);
        }
        return out;
    }
    Result<registry::Page<registry::Device>> list_devices(const std::string& pk,
                                                          const registry::DeviceFilter& f,
                                                          std::size_t page_size,
                                                          const std::string& token) override {
        std::lock_guard lock(mu_);
        if (!products_.count(pk)) return err(Errc::ProductNotFound, "no product " + pk);
        last_filter_ = f;
        std::vector<registry::Device> all;
        for (auto& [key, d] : devices_) {
            if (key.first != pk) continue;
            if (f.status && d.status() != *f.status) continue;
            if (f.name_prefix && !d.device_name.starts_with(*f.name_prefix)) continue;
            if (f.tag) {
                auto t = d.tags.find(f.tag->first);
                if (t == d.tags.end() || (!f.tag->second.empty() && t->second != f.tag->second))
                    continue;
            }
            all.push_back(d);
        }
        return page(all, page_size, token);
    }
    Result<registry::Device> get_device(const std::string& pk, const std::string& dn) override {
        std::lock_guard lock(mu_);
        return find_locked(pk, dn);
    }
    Result<void> delete_device(const std::string& pk, const std::string& dn) override {
        std::lock_guard lock(mu_);
        auto d = find_locked(pk, dn);
        if (!d) return unexpected(d.error());
        devices_.erase({pk, dn});
        return {};
    }
    Result<registry::Device> set_enabled(const std::string& pk, const std::string& dn,
                                         bool enabled) override {
        std::lock_guard lock(mu_);
        auto d = find_locked(pk, dn);
        if (!d) return d;
        auto& dev = devices_[{pk, dn}];
        dev.enabled = enabled;
        if (!enabled) dev.online = false;
        return dev;
    }
    Result<registry::Device> rotate_secret(const std::string& pk, const std::string& dn) override {
        std::lock_guard lock(mu_);
        auto d = find_locked(pk, dn);
        if (!d) return d;
        auto& dev = devices_[{pk, dn}];
        dev.device_secret = "rotated" + std::to_string(++counter_);
        return dev;
    }
    Result<registry::Device> set_tags(const std::string& pk, const std::string& dn,
                                      const std::map<std::string, std::string>& tags) override {
        std::lock_guard lock(mu_);
        auto d = find_locked(pk, dn);
        if (!d) return d;
        auto& dev = devices_[{pk, dn}];
        dev.tags = tags;
        return dev;
    }
    Result<registry::Device> set_firmware_version(const std::string& pk, const std::string& dn,
                                                  const std::string& module,
                                                  const std::string& version) override {
        std::lock_guard lock(mu_);
        auto d = find_locked(pk, dn);
        if (!d) return d;
        auto& dev = devices_[{pk, dn}];
        dev.firmware_versions[module] = version;
        if (module == "default") dev.firmware_version = version;
        return dev;
    }

    Result<std::vector<registry::TopicClass>> list_topic_classes(const std::string& pk) override {
        std::lock_guard lock(mu_);
        if (!products_.count(pk)) return err(Errc::ProductNotFound, "no product " + pk);
        return topic_classes_[pk];
    }
    Result<registry::TopicClass> add_topic_class(const std::string& pk, const std::string& topic,
                                                 registry::TopicPermission permission,
                                                 const std::string& description) override {
        std::lock_guard lock(mu_);
        if (!products_.count(pk)) return err(Errc::ProductNotFound, "no product " + pk);
        if (!topic.starts_with("/" + pk + "/${deviceName}/user/"))
            return err(Errc::InvalidArgument, "topic: must start with /{pk}/${deviceName}/user/");
        auto& list = topic_classes_[pk];
        for (auto& t : list)
            if (t.topic == topic) return err(Errc::TopicClassExists, "exists");
        list.push_back({pk, topic, permission, description, 1'700'000'000'000});
        return list.back();
    }
    Result<void> delete_topic_class(const std::string& pk, const std::string& topic) override {
        std::lock_guard lock(mu_);
        if (!products_.count(pk)) return err(Errc::ProductNotFound, "no product " + pk);
        auto& list = topic_classes_[pk];
        auto it = std::find_if(list.begin(), list.end(),
                               [&](const registry::TopicClass& t) { return t.topic == topic; });
        if (it == list.end()) return err(Errc::TopicClassNotFound, "no topic class " + topic);
        list.erase(it);
        return {};
    }

    std::shared_ptr<const registry::Device> find_device(std::string_view,
                                                        std::string_view) const override {
        return nullptr;
    }
    std::shared_ptr<const registry::Product> find_product(std::string_view) const override {
        return nullptr;
    }
    std::shared_ptr<const std::vector<registry::TopicClass>> topic_classes(
        std::string_view) const override {
        return nullptr;
    }
    registry::DeviceCounts count_devices() const override {
        std::lock_guard lock(mu_);
        registry::DeviceCounts c;
        c.total = devices_.size();
        for (const auto& [key, d] : devices_) {
            switch (d.status()) {
                case registry::DeviceStatus::Inactive:
                    ++c.inactive;
                    break;
                case registry::DeviceStatus::Online:
                    ++c.online;
                    break;
                case registry::DeviceStatus::Offline:
                    ++c.offline;
                    break;
                case registry::DeviceStatus::Disabled:
                    ++c.disabled;
                    break;
            }
        }
        return c;
    }
    void mark_online(const std::string&, const std::string&, const std::string&,
                     std::int64_t) override {}
    void mark_offline(const std::string&, const std::string&, std::int64_t) override {}
    void set_listener(std::function<void(const registry::DeviceEvent&)>) override {}

    registry::DeviceFilter last_filter() {
        std::lock_guard lock(mu_);
        return last_filter_;
    }

private:
    static Unexpected<registry::RegistryError> err(Errc code, std::string message) {
        return unexpected(registry::RegistryError{code, std::move(message)});
    }
    std::optional<registry::RegistryError> take_failure() {
        auto e = std::move(fail_next_);
        fail_next_.reset();
        return e;
    }
    static std::optional<registry::RegistryError> check_name(const std::string& n) {
        bool ok = n.size() >= 4 && n.size() <= 32;
        for (char c : n)
            ok = ok && (std::isalnum(static_cast<unsigned char>(c)) ||
                        std::string_view("_.@:-").find(c) != std::string_view::npos);
        if (ok) return std::nullopt;
        return registry::RegistryError{Errc::InvalidArgument,
                                       "deviceName: 4 to 32 characters of [A-Za-z0-9_.@:-]"};
    }
    Result<registry::Device> register_locked(const std::string& pk, std::string name, bool check) {
        if (!products_.count(pk)) return err(Errc::ProductNotFound, "no product " + pk);
        if (name.empty()) name = "gen" + std::to_string(100000 + ++counter_);
        if (check) {
            if (auto bad = check_name(name)) return unexpected(*bad);
            if (devices_.count({pk, name})) return err(Errc::DeviceExists, "device exists");
        }
        registry::Device d;
        d.product_key = pk;
        d.device_name = name;
        d.device_secret = "secret-" + name;
        d.created_time = 1'700'000'000'000 + ++counter_;
        devices_[{pk, name}] = d;
        return d;
    }
    Result<registry::Device> find_locked(const std::string& pk, const std::string& dn) {
        if (!products_.count(pk)) return err(Errc::ProductNotFound, "no product " + pk);
        auto it = devices_.find({pk, dn});
        if (it == devices_.end()) return err(Errc::DeviceNotFound, "no device " + dn);
        return it->second;
    }
    template <typename T>
    static Result<registry::Page<T>> page(const std::vector<T>& all, std::size_t size,
                                          const std::string& token) {
        std::size_t start = 0;
        if (!token.empty()) {
            if (!token.starts_with("off:")) return err(Errc::InvalidArgument, "pageToken: invalid");
            start = std::stoul(token.substr(4));
        }
        if (size == 0) size = 50;  // the real registry's default
        registry::Page<T> p;
        for (std::size_t i = start; i < all.size() && p.items.size() < size; ++i)
            p.items.push_back(all[i]);
        if (start + size < all.size()) p.next_page_token = "off:" + std::to_string(start + size);
        return p;
    }

    mutable std::mutex mu_;
    int counter_ = 0;
    std::optional<registry::RegistryError> fail_next_;
    std::map<std::string, registry::Product> products_;
    std::map<std::pair<std::string, std::string>, registry::Device> devices_;
    std::map<std::string, std::vector<registry::TopicClass>> topic_classes_;
    registry::DeviceFilter last_filter_;
};

}  // namespace ts::api::test
