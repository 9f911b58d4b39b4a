// SqliteRegistry: products and their topic classes.
#include "registry/ids.hpp"
#include "registry/secret_box.hpp"
#include "registry/sqlite_registry.hpp"
#include "registry/validate.hpp"

namespace ts::registry {

namespace {

std::vector<TopicClass> default_topic_classes(const std::string& pk, std::int64_t now) {
    const std::string base = fmt::format("/{}/${{deviceName}}/user/", pk);
    return {
        {pk, base + "update", TopicPermission::Publish, "", now},
        {pk, base + "update/error", TopicPermission::Publish, "", now},
        {pk, base + "get", TopicPermission::Subscribe, "", now},
    };
}

}  // namespace

Result<Product> SqliteRegistry::create_product(const ProductSpec& spec) {
    if (auto r = check_product_name(spec.name); !r) return unexpected(r.error());
    if (auto r = check_description(spec.description); !r) return unexpected(r.error());
    std::lock_guard lock(mutex_);
    if (cache_.product_name_taken(spec.name, {}))
        return error(Errc::ProductExists,
                     "name: a product named '" + spec.name + "' already exists");
    Product p;
    for (int i = 0; i < kGenerateAttempts && p.product_key.empty(); ++i) {
        auto key = generate_product_key();
        if (!key) return unexpected(key.error());
        if (!cache_.find_product(*key)) p.product_key = std::move(*key);
    }
    if (p.product_key.empty()) return error(Errc::ProductExists, "no free product key found");
    auto secret = generate_product_secret();
    if (!secret) return unexpected(secret.error());
    p.name = spec.name;
    p.node_type = spec.node_type;
    p.data_format = spec.data_format;
    p.auth_type = spec.auth_type;
    p.product_secret = std::move(*secret);
    p.description = spec.description;
    p.created_time = clock_.wall_ms();
    p.validation_mode = spec.validation_mode;
    auto classes = default_topic_classes(p.product_key, p.created_time);
    if (auto r = store_.insert_product(p, classes); !r) return unexpected(r.error());
    cache_.put_product(p);
    cache_.put_topic_classes(p.product_key, std::move(classes));
    return p;
}

Result<Page<Product>> SqliteRegistry::list_products(std::size_t page_size,
                                                    const std::string& page_token) {
    auto after = decode_page_token(page_token);
    if (!after) return unexpected(after.error());
    Page<Product> page;
    bool more = false;
    page.items = cache_.list_products(*after, effective_page_size(page_size), more);
    if (more) page.next_page_token = to_hex(page.items.back().product_key);
    return page;
}

Result<Product> SqliteRegistry::get_product(const std::string& pk) {
    auto p = cache_.find_product(pk);
    if (!p) return product_not_found(pk);
    return *p;
}

Result<Product> SqliteRegistry::update_product(const std::string& pk, const ProductPatch& patch) {
    if (patch.name) {
        if (auto r = check_product_name(*patch.name); !r) return unexpected(r.error());
    }
    if (patch.description) {
        if (auto r = check_description(*patch.description); !r) return unexpected(r.error());
    }
    std::lock_guard lock(mutex_);
    auto current = cache_.find_product(pk);
    if (!current) return product_not_found(pk);
    if (patch.name && cache_.product_name_taken(*patch.name, pk))
        return error(Errc::ProductExists,
                     "name: a product named '" + *patch.name + "' already exists");
    Product p = *current;
    if (patch.name) p.name = *patch.name;
    if (patch.description) p.description = *patch.description;
    if (patch.validation_mode) p.validation_mode = *patch.validation_mode;
    if (auto r = store_.update_product(p); !r) return unexpected(r.error());
    cache_.put_product(p);
    return p;
}

Result<void> SqliteRegistry::delete_product(const std::string& pk) {
    std::lock_guard lock(mutex_);
    if (!cache_.find_product(pk)) return product_not_found(pk);
    if (const auto n = cache_.device_count(pk); n > 0) {
        return error(Errc::ProductHasDevices,
                     fmt::format("product {} still has {} devices; delete them first", pk, n));
    }
    if (auto r = store_.delete_product(pk); !r) return r;
    cache_.erase_product(pk);
    return {};
}

Result<std::vector<TopicClass>> SqliteRegistry::list_topic_classes(const std::string& pk) {
    auto classes = cache_.topic_classes(pk);
    if (!classes) return product_not_found(pk);
    return *classes;
}

Result<TopicClass> SqliteRegistry::add_topic_class(const std::string& pk, const std::string& topic,
                                                   TopicPermission permission,
                                                   const std::string& description) {
    if (auto r = check_topic_class(pk, topic, permission); !r) return unexpected(r.error());
    if (auto r = check_description(description); !r) return unexpected(r.error());
    std::lock_guard lock(mutex_);
    auto current = cache_.topic_classes(pk);
    if (!current) return product_not_found(pk);
    for (const auto& tc : *current) {
        if (tc.topic == topic) {
            return error(Errc::TopicClassExists,
                         fmt::format("topic class {} already exists", topic));
        }
    }
    TopicClass tc{pk, topic, permission, description, clock_.wall_ms()};
    if (auto r = store_.insert_topic_class(tc); !r) return unexpected(r.error());
    auto next = *current;
    next.push_back(tc);
    cache_.put_topic_classes(pk, std::move(next));
    return tc;
}

Result<void> SqliteRegistry::delete_topic_class(const std::string& pk, const std::string& topic) {
    std::lock_guard lock(mutex_);
    auto current = cache_.topic_classes(pk);
    if (!current) return product_not_found(pk);
    auto next = *current;
    if (std::erase_if(next, [&](const TopicClass& tc) { return tc.topic == topic; }) == 0) {
        return error(Errc::TopicClassNotFound, fmt::format("topic class {} does not exist", topic));
    }
    if (auto r = store_.delete_topic_class(pk, topic); !r) return r;
    cache_.put_topic_classes(pk, std::move(next));
    return {};
}

}  // namespace ts::registry
