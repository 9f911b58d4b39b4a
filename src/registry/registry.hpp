#pragma once
// The device registry: products, devices, credentials and custom topic
// classes. Management calls (API, CLI) write through to SQLite; the hot path
// (CONNECT, topic checks) reads an in-memory copy kept coherent with the
// store, so a CONNECT never waits for the disk.
//
// Thread-safe: any thread may call any method. Management calls may block on
// the disk and must not run on an event-loop thread; find_device() and
// topic_classes() never block on I/O.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "registry/errc.hpp"
#include "registry/model.hpp"

namespace ts::registry {

template <typename T>
using Result = Expected<T, RegistryError>;

struct ProductSpec {
    std::string name;  // required, 1..64 characters
    NodeType node_type = NodeType::Device;
    DataFormat data_format = DataFormat::Alink;
    AuthType auth_type = AuthType::Secret;
    std::string description;
    ValidationMode validation_mode = ValidationMode::Strict;
};

struct ProductPatch {
    std::optional<std::string> name;
    std::optional<std::string> description;
    std::optional<ValidationMode> validation_mode;
};

struct DeviceFilter {
    std::optional<DeviceStatus> status;
    std::optional<std::string> name_prefix;
    std::optional<std::pair<std::string, std::string>> tag;  // key, value ("" matches any value)
};

// How many devices are in each state (all products, or one).
struct DeviceCounts {
    std::size_t products = 0;
    std::size_t total = 0;
    std::size_t inactive = 0;
    std::size_t online = 0;
    std::size_t offline = 0;
    std::size_t disabled = 0;
};

template <typename T>
struct Page {
    std::vector<T> items;
    std::string next_page_token;  // empty on the last page
};

// Events the broker acts on: a disabled or deleted device is disconnected.
struct DeviceEvent {
    enum class Kind { Disabled, Enabled, Deleted, SecretRotated } kind;
    std::string product_key;
    std::string device_name;
};

class Registry {
public:
    virtual ~Registry() = default;

    // --- products ---
    virtual Result<Product> create_product(const ProductSpec& spec) = 0;
    virtual Result<Page<Product>> list_products(std::size_t page_size,
                                                const std::string& page_token) = 0;
    virtual Result<Product> get_product(const std::string& pk) = 0;
    virtual Result<Product> update_product(const std::string& pk, const ProductPatch& patch) = 0;
    // Refused with ProductHasDevices while the product has devices.
    virtual Result<void> delete_product(const std::string& pk) = 0;

    // --- devices ---
    // `name` empty: a name is generated. Names follow Alibaba's rules:
    // 4..32 characters of [A-Za-z0-9_.@:-].
    virtual Result<Device> register_device(const std::string& pk, const std::string& name) = 0;
    // All or nothing: a duplicate or invalid name fails the whole batch.
    virtual Result<std::vector<Device>> register_devices(const std::string& pk,
                                                         const std::vector<std::string>& names) = 0;
    virtual Result<std::vector<Device>> register_devices(const std::string& pk,
                                                         std::size_t count) = 0;
    virtual Result<Page<Device>> list_devices(const std::string& pk, const DeviceFilter& filter,
                                              std::size_t page_size,
                                              const std::string& page_token) = 0;
    virtual Result<Device> get_device(const std::string& pk, const std::string& dn) = 0;
    virtual Result<void> delete_device(const std::string& pk, const std::string& dn) = 0;
    virtual Result<Device> set_enabled(const std::string& pk, const std::string& dn,
                                       bool enabled) = 0;
    virtual Result<Device> rotate_secret(const std::string& pk, const std::string& dn) = 0;
    virtual Result<Device> set_tags(const std::string& pk, const std::string& dn,
                                    const std::map<std::string, std::string>& tags) = 0;
    // The device reported running `version` of firmware module `module`
    // ("default" for the main firmware). Stored with the time; a version the
    // registry already holds is not written again.
    virtual Result<Device> set_firmware_version(const std::string& pk, const std::string& dn,
                                                const std::string& module,
                                                const std::string& version) = 0;

    // --- custom topic classes (three defaults are created with each product) ---
    virtual Result<std::vector<TopicClass>> list_topic_classes(const std::string& pk) = 0;
    virtual Result<TopicClass> add_topic_class(const std::string& pk, const std::string& topic,
                                               TopicPermission permission,
                                               const std::string& description) = 0;
    virtual Result<void> delete_topic_class(const std::string& pk, const std::string& topic) = 0;

    // --- hot path (never blocks on I/O) ---
    // A snapshot of the device's credentials and state; nullptr when unknown.
    virtual std::shared_ptr<const Device> find_device(std::string_view pk,
                                                      std::string_view dn) const = 0;
    virtual std::shared_ptr<const Product> find_product(std::string_view pk) const = 0;
    virtual std::shared_ptr<const std::vector<TopicClass>> topic_classes(
        std::string_view pk) const = 0;
    // From the in-memory copy: a walk over the devices (about a millisecond
    // per 100,000), for dashboards polling every few seconds.
    virtual DeviceCounts count_devices() const = 0;

    // Connection state, written behind (batched; never blocks the caller).
    virtual void mark_online(const std::string& pk, const std::string& dn, const std::string& ip,
                             std::int64_t time_ms) = 0;
    virtual void mark_offline(const std::string& pk, const std::string& dn,
                              std::int64_t time_ms) = 0;

    // Whether the last write of connection state failed (for /readyz); cheap.
    virtual bool status_write_failed() const { return false; }

    // Called (on the management caller's thread) after a device is disabled,
    // enabled, deleted or gets a new secret.
    virtual void set_listener(std::function<void(const DeviceEvent&)> listener) = 0;
};

// Opens (creating when absent) the registry in the SQLite database at `path`.
// Device secrets are encrypted at rest with AES-256-GCM under `master_key`
// (32 bytes; see load_master_key).
Result<std::unique_ptr<Registry>> open_sqlite_registry(const std::string& path,
                                                       const std::string& master_key,
                                                       const Clock& clock);

// The 32-byte master key: from THINGSTEAD_MASTER_KEY (64 hex characters) when
// set, else from `{data_dir}/master.key` (created with mode 0600 on first use).
Result<std::string> load_master_key(const std::string& data_dir);

}  // namespace ts::registry
