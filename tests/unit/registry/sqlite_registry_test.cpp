#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <thread>

#include "registry/registry.hpp"
#include "registry_fixture.hpp"

namespace ts::registry {
namespace {

using test::kTestKey;
using test::RegistryTest;

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST_F(RegistryTest, ProductCrudSurvivesReopen) {
    ProductSpec spec;
    spec.name = "Thermostat";
    spec.node_type = NodeType::Gateway;
    spec.data_format = DataFormat::Raw;
    spec.description = "living room";
    auto p = reg_->create_product(spec);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->product_key.size(), 11u);
    EXPECT_EQ(p->product_secret.size(), 16u);
    EXPECT_EQ(p->created_time, clock_.wall_ms());

    ProductPatch patch;
    patch.name = "Thermostat 2";
    ASSERT_TRUE(reg_->update_product(p->product_key, patch));

    reopen();
    auto got = reg_->get_product(p->product_key);
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(got->name, "Thermostat 2");
    EXPECT_EQ(got->description, "living room");
    EXPECT_EQ(got->node_type, NodeType::Gateway);
    EXPECT_EQ(got->data_format, DataFormat::Raw);
    EXPECT_EQ(got->product_secret, p->product_secret);
    EXPECT_EQ(got->created_time, p->created_time);
    ASSERT_NE(reg_->find_product(p->product_key), nullptr);

    ASSERT_TRUE(reg_->delete_product(p->product_key));
    EXPECT_EQ(reg_->get_product(p->product_key).error().code, Errc::ProductNotFound);
    reopen();
    EXPECT_EQ(reg_->find_product(p->product_key), nullptr);
    EXPECT_EQ(reg_->delete_product(p->product_key).error().code, Errc::ProductNotFound);
}

TEST_F(RegistryTest, ValidationModeIsStoredAndCachedAtOnce) {
    auto strict = make_product("Default");
    EXPECT_EQ(strict.validation_mode, ValidationMode::Strict);

    ProductSpec spec;
    spec.name = "Meter";
    spec.validation_mode = ValidationMode::Lenient;
    auto p = reg_->create_product(spec);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->validation_mode, ValidationMode::Lenient);
    auto before = reg_->find_product(p->product_key);
    ASSERT_NE(before, nullptr);
    EXPECT_EQ(before->validation_mode, ValidationMode::Lenient);

    ProductPatch patch;
    patch.validation_mode = ValidationMode::Off;
    auto patched = reg_->update_product(p->product_key, patch);
    ASSERT_TRUE(patched) << patched.error().message;
    EXPECT_EQ(patched->validation_mode, ValidationMode::Off);
    EXPECT_EQ(patched->name, "Meter");
    // The hot path sees the change at once; a snapshot taken before keeps
    // the value it had.
    EXPECT_EQ(reg_->find_product(p->product_key)->validation_mode, ValidationMode::Off);
    EXPECT_EQ(before->validation_mode, ValidationMode::Lenient);
    EXPECT_EQ(reg_->get_product(p->product_key)->validation_mode, ValidationMode::Off);

    // A patch without the field leaves it alone.
    ProductPatch rename;
    rename.name = "Meter 2";
    ASSERT_TRUE(reg_->update_product(p->product_key, rename));
    EXPECT_EQ(reg_->find_product(p->product_key)->validation_mode, ValidationMode::Off);

    reopen();
    EXPECT_EQ(reg_->find_product(p->product_key)->validation_mode, ValidationMode::Off);
    EXPECT_EQ(reg_->find_product(p->product_key)->name, "Meter 2");
    EXPECT_EQ(reg_->find_product(strict.product_key)->validation_mode, ValidationMode::Strict);
    auto listed = reg_->list_products(10, "");
    ASSERT_TRUE(listed);
    ASSERT_EQ(listed->items.size(), 2u);
    for (const auto& item : listed->items) {
        EXPECT_EQ(item.validation_mode, item.product_key == p->product_key
                                            ? ValidationMode::Off
                                            : ValidationMode::Strict);
    }
}

TEST_F(RegistryTest, ProductValidation) {
    ProductSpec spec;
    auto r = reg_->create_product(spec);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::InvalidArgument);
    spec.name = std::string(65, 'x');
    EXPECT_FALSE(reg_->create_product(spec));
    auto p = make_product();
    ProductPatch patch;
    patch.name = "";
    EXPECT_EQ(reg_->update_product(p.product_key, patch).error().code, Errc::InvalidArgument);
    EXPECT_EQ(reg_->update_product("a1NoSuch000", {}).error().code, Errc::ProductNotFound);
}

TEST_F(RegistryTest, ProductNamesAreUnique) {
    ProductSpec spec;
    spec.name = "lamp";
    auto first = reg_->create_product(spec);
    ASSERT_TRUE(first);
    auto dup = reg_->create_product(spec);
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().code, Errc::ProductExists);
    spec.name = "fan";
    auto second = reg_->create_product(spec);
    ASSERT_TRUE(second);
    ProductPatch rename;
    rename.name = "lamp";
    EXPECT_EQ(reg_->update_product(second->product_key, rename).error().code, Errc::ProductExists);
    // Keeping its own name is not a conflict.
    EXPECT_TRUE(reg_->update_product(first->product_key, rename));
}

TEST_F(RegistryTest, DeviceCrudSurvivesReopen) {
    auto p = make_product();
    auto d = reg_->register_device(p.product_key, "dev-01");
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->device_secret.size(), 32u);
    EXPECT_TRUE(d->enabled);
    EXPECT_EQ(d->status(), DeviceStatus::Inactive);
    auto generated = reg_->register_device(p.product_key, "");
    ASSERT_TRUE(generated);
    EXPECT_EQ(generated->device_name.size(), 20u);
    ASSERT_TRUE(reg_->set_tags(p.product_key, "dev-01", {{"room", "kitchen"}, {"floor", "2"}}));
    ASSERT_TRUE(reg_->set_enabled(p.product_key, "dev-01", false));

    reopen();
    auto got = reg_->get_device(p.product_key, "dev-01");
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(got->device_secret, d->device_secret);
    EXPECT_FALSE(got->enabled);
    EXPECT_EQ(got->status(), DeviceStatus::Disabled);
    EXPECT_EQ(got->tags.at("room"), "kitchen");
    EXPECT_EQ(got->tags.size(), 2u);
    auto found = reg_->find_device(p.product_key, generated->device_name);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->device_secret, generated->device_secret);

    EXPECT_EQ(reg_->delete_product(p.product_key).error().code, Errc::ProductHasDevices);
    ASSERT_TRUE(reg_->delete_device(p.product_key, "dev-01"));
    ASSERT_TRUE(reg_->delete_device(p.product_key, generated->device_name));
    EXPECT_EQ(reg_->get_device(p.product_key, "dev-01").error().code, Errc::DeviceNotFound);
    EXPECT_EQ(reg_->delete_device(p.product_key, "dev-01").error().code, Errc::DeviceNotFound);
    reopen();
    EXPECT_EQ(reg_->find_device(p.product_key, "dev-01"), nullptr);
    ASSERT_TRUE(reg_->delete_product(p.product_key));
    // A name freed by deletion can be registered again, without old tags.
    auto p2 = make_product();
    ASSERT_TRUE(reg_->register_device(p2.product_key, "dev-01"));
    EXPECT_TRUE(reg_->get_device(p2.product_key, "dev-01")->tags.empty());
}

TEST_F(RegistryTest, DeviceErrors) {
    auto p = make_product();
    EXPECT_EQ(reg_->register_device("a1NoSuch000", "dev1").error().code, Errc::ProductNotFound);
    auto bad = reg_->register_device(p.product_key, "a b");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, Errc::InvalidArgument);
    EXPECT_NE(bad.error().message.find("deviceName"), std::string::npos);
    ASSERT_TRUE(reg_->register_device(p.product_key, "dev1"));
    EXPECT_EQ(reg_->register_device(p.product_key, "dev1").error().code, Errc::DeviceExists);
    EXPECT_EQ(reg_->get_device("a1NoSuch000", "dev1").error().code, Errc::ProductNotFound);
    EXPECT_EQ(reg_->set_enabled(p.product_key, "nope", false).error().code, Errc::DeviceNotFound);
    EXPECT_EQ(reg_->rotate_secret(p.product_key, "nope").error().code, Errc::DeviceNotFound);
    EXPECT_EQ(reg_->set_tags(p.product_key, "dev1", {{"bad key", "v"}}).error().code,
              Errc::InvalidArgument);
    EXPECT_EQ(reg_->list_devices("a1NoSuch000", {}, 0, "").error().code, Errc::ProductNotFound);
}

TEST_F(RegistryTest, SecretsAreNotStoredInPlainText) {
    auto p = make_product();
    auto batch = reg_->register_devices(p.product_key, 50);
    ASSERT_TRUE(batch);
    auto rotated = reg_->rotate_secret(p.product_key, batch->front().device_name);
    ASSERT_TRUE(rotated);
    reg_.reset();  // closes the database and checkpoints the WAL
    std::string bytes = file_bytes(db_path());
    for (const char* suffix : {"-wal", "-shm"}) bytes += file_bytes(db_path() + suffix);
    ASSERT_NE(bytes.find(batch->back().device_name), std::string::npos);  // sanity: names are
    EXPECT_EQ(bytes.find(p.product_secret), std::string::npos);
    EXPECT_EQ(bytes.find(rotated->device_secret), std::string::npos);
    for (const auto& d : *batch) EXPECT_EQ(bytes.find(d.device_secret), std::string::npos);
}

TEST_F(RegistryTest, WrongMasterKeyFailsAtOpen) {
    auto p = make_product();
    ASSERT_TRUE(reg_->register_device(p.product_key, "dev1"));
    reg_.reset();
    auto wrong = open_sqlite_registry(db_path(), std::string(32, '\x01'), clock_);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, Errc::StorageError);
    EXPECT_NE(wrong.error().message.find("master key"), std::string::npos) << wrong.error().message;
    EXPECT_FALSE(open_sqlite_registry(db_path(), "short", clock_));
    reopen(kTestKey);
    EXPECT_NE(reg_->find_device(p.product_key, "dev1"), nullptr);
}

TEST_F(RegistryTest, BatchIsAllOrNothing) {
    auto p = make_product();
    ASSERT_TRUE(reg_->register_device(p.product_key, "taken"));
    auto dup = reg_->register_devices(p.product_key, {"new1", "new2", "taken", "new3"});
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().code, Errc::DeviceExists);
    auto invalid = reg_->register_devices(p.product_key, {"new1", "x"});
    ASSERT_FALSE(invalid);
    EXPECT_EQ(invalid.error().code, Errc::InvalidArgument);
    EXPECT_NE(invalid.error().message.find("deviceNames"), std::string::npos);
    auto twice = reg_->register_devices(p.product_key, {"new1", "new1"});
    ASSERT_FALSE(twice);
    EXPECT_EQ(reg_->find_device(p.product_key, "new1"), nullptr);
    reopen();
    EXPECT_EQ(reg_->list_devices(p.product_key, {}, 0, "")->items.size(), 1u);

    auto ok = reg_->register_devices(p.product_key, {"new1", "new2", "new3"});
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->size(), 3u);
    auto counted = reg_->register_devices(p.product_key, 10'000);
    ASSERT_TRUE(counted) << counted.error().message;
    EXPECT_EQ(counted->size(), 10'000u);
    EXPECT_EQ(reg_->register_devices(p.product_key, 10'001).error().code, Errc::LimitExceeded);
    EXPECT_EQ(reg_->register_devices(p.product_key, std::vector<std::string>(10'001, "abcd"))
                  .error()
                  .code,
              Errc::LimitExceeded);
    EXPECT_EQ(reg_->register_devices(p.product_key, 0).error().code, Errc::InvalidArgument);
    reopen();
    auto all = reg_->list_devices(p.product_key, {}, 1000, "");
    ASSERT_TRUE(all);
    EXPECT_EQ(all->items.size(), 1000u);
    EXPECT_NE(reg_->find_device(p.product_key, counted->back().device_name), nullptr);
}

TEST_F(RegistryTest, ListenerSeesChangesAfterTheyAreStored) {
    auto p = make_product();
    ASSERT_TRUE(reg_->register_device(p.product_key, "dev1"));
    std::vector<DeviceEvent> events;
    std::vector<bool> enabled_at_event;
    reg_->set_listener([&](const DeviceEvent& e) {
        events.push_back(e);
        // Already visible: the broker reads the registry in reaction.
        auto d = reg_->find_device(e.product_key, e.device_name);
        enabled_at_event.push_back(d != nullptr && d->enabled);
    });
    const std::string old_secret = reg_->find_device(p.product_key, "dev1")->device_secret;
    ASSERT_TRUE(reg_->set_enabled(p.product_key, "dev1", false));
    ASSERT_TRUE(reg_->set_enabled(p.product_key, "dev1", true));
    auto rotated = reg_->rotate_secret(p.product_key, "dev1");
    ASSERT_TRUE(rotated);
    EXPECT_NE(rotated->device_secret, old_secret);
    EXPECT_EQ(reg_->find_device(p.product_key, "dev1")->device_secret, rotated->device_secret);
    ASSERT_TRUE(reg_->delete_device(p.product_key, "dev1"));
    ASSERT_EQ(events.size(), 4u);
    EXPECT_EQ(events[0].kind, DeviceEvent::Kind::Disabled);
    EXPECT_EQ(events[1].kind, DeviceEvent::Kind::Enabled);
    EXPECT_EQ(events[2].kind, DeviceEvent::Kind::SecretRotated);
    EXPECT_EQ(events[3].kind, DeviceEvent::Kind::Deleted);
    EXPECT_EQ(events[0].product_key, p.product_key);
    EXPECT_EQ(events[0].device_name, "dev1");
    EXPECT_EQ(enabled_at_event, (std::vector<bool>{false, true, true, false}));
    // Failed calls raise nothing.
    EXPECT_FALSE(reg_->set_enabled(p.product_key, "dev1", false));
    EXPECT_EQ(events.size(), 4u);
    reopen();
    EXPECT_EQ(reg_->find_device(p.product_key, "dev1"), nullptr);
}

TEST_F(RegistryTest, ConnectionStateIsWrittenBehindAndSurvivesReopen) {
    auto p = make_product();
    ASSERT_TRUE(reg_->register_device(p.product_key, "dev1"));
    ASSERT_TRUE(reg_->register_device(p.product_key, "dev2"));
    reg_->mark_online(p.product_key, "dev1", "10.0.0.7", 1000);
    auto d = reg_->find_device(p.product_key, "dev1");
    EXPECT_EQ(d->status(), DeviceStatus::Online);
    EXPECT_EQ(d->first_online_time, 1000);
    reg_->mark_offline(p.product_key, "dev1", 1500);
    reg_->mark_online(p.product_key, "dev1", "10.0.0.8", 2000);
    d = reg_->find_device(p.product_key, "dev1");
    EXPECT_EQ(d->first_online_time, 1000);
    EXPECT_EQ(d->last_online_time, 2000);
    EXPECT_EQ(d->ip_address, "10.0.0.8");
    // Unknown devices are ignored.
    reg_->mark_online(p.product_key, "ghost", "1.1.1.1", 1);
    reg_->mark_offline("a1NoSuch000", "dev1", 1);

    reopen();
    d = reg_->find_device(p.product_key, "dev1");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->first_online_time, 1000);
    EXPECT_EQ(d->last_online_time, 2000);
    EXPECT_EQ(d->ip_address, "10.0.0.8");
    // No connection survives a restart.
    EXPECT_FALSE(d->online);
    EXPECT_EQ(d->status(), DeviceStatus::Offline);
    EXPECT_EQ(reg_->find_device(p.product_key, "dev2")->status(), DeviceStatus::Inactive);
}

TEST_F(RegistryTest, ADeviceCreatedAgainStartsInactive) {
    auto p = make_product();
    ASSERT_TRUE(reg_->register_device(p.product_key, "dev1"));
    reg_->mark_online(p.product_key, "dev1", "10.0.0.7", 1000);
    reg_->mark_offline(p.product_key, "dev1", 1500);
    reopen();  // written: the row the new device must not inherit
    ASSERT_TRUE(reg_->delete_device(p.product_key, "dev1"));
    ASSERT_TRUE(reg_->register_device(p.product_key, "dev1"));
    auto d = reg_->find_device(p.product_key, "dev1");
    EXPECT_EQ(d->status(), DeviceStatus::Inactive);
    reopen();
    d = reg_->find_device(p.product_key, "dev1");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->status(), DeviceStatus::Inactive);
    EXPECT_EQ(d->last_online_time, 0);
    EXPECT_EQ(d->ip_address, "");
}

TEST_F(RegistryTest, ManagementWritesKeepConnectionState) {
    auto p = make_product();
    ASSERT_TRUE(reg_->register_device(p.product_key, "dev1"));
    reg_->mark_online(p.product_key, "dev1", "10.0.0.7", 1000);
    ASSERT_TRUE(reg_->set_tags(p.product_key, "dev1", {{"a", "b"}}));
    auto d = reg_->find_device(p.product_key, "dev1");
    EXPECT_TRUE(d->online);
    EXPECT_EQ(d->tags.at("a"), "b");
    reopen();
    d = reg_->find_device(p.product_key, "dev1");
    EXPECT_EQ(d->last_online_time, 1000);
    EXPECT_EQ(d->tags.at("a"), "b");
}

TEST_F(RegistryTest, ConcurrentReadersAndConnectionUpdates) {
    auto p = make_product();
    ASSERT_TRUE(reg_->register_devices(p.product_key, 100));
    auto names = reg_->list_devices(p.product_key, {}, 100, "");
    ASSERT_TRUE(names);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 2000; ++i) {
                const auto& dn = names->items[static_cast<std::size_t>(i % 100)].device_name;
                if (t % 2 == 0) {
                    reg_->mark_online(p.product_key, dn, "10.0.0.1", i + 1);
                    reg_->mark_offline(p.product_key, dn, i + 2);
                } else {
                    auto d = reg_->find_device(p.product_key, dn);
                    ASSERT_NE(d, nullptr);
                    EXPECT_EQ(d->device_secret.size(), 32u);
                }
            }
        });
    }
    ASSERT_TRUE(reg_->set_tags(p.product_key, names->items[0].device_name, {{"k", "v"}}));
    for (auto& th : threads) th.join();
    reopen();
    auto d = reg_->find_device(p.product_key, names->items[0].device_name);
    EXPECT_GT(d->first_online_time, 0);
    EXPECT_EQ(d->tags.at("k"), "v");
}

TEST_F(RegistryTest, TopicClasses) {
    auto p = make_product();
    auto classes = reg_->list_topic_classes(p.product_key);
    ASSERT_TRUE(classes);
    ASSERT_EQ(classes->size(), 3u);
    const std::string base = "/" + p.product_key + "/${deviceName}/user/";
    EXPECT_EQ((*classes)[0].topic, base + "update");
    EXPECT_EQ((*classes)[0].permission, TopicPermission::Publish);
    EXPECT_EQ((*classes)[1].topic, base + "update/error");
    EXPECT_EQ((*classes)[1].permission, TopicPermission::Publish);
    EXPECT_EQ((*classes)[2].topic, base + "get");
    EXPECT_EQ((*classes)[2].permission, TopicPermission::Subscribe);

    auto added = reg_->add_topic_class(p.product_key, base + "cmd/+", TopicPermission::Subscribe,
                                       "commands");
    ASSERT_TRUE(added) << added.error().message;
    EXPECT_EQ(reg_->add_topic_class(p.product_key, base + "cmd/+", TopicPermission::Subscribe, "")
                  .error()
                  .code,
              Errc::TopicClassExists);
    EXPECT_EQ(reg_->add_topic_class(p.product_key, base + "cmd/+", TopicPermission::Publish, "")
                  .error()
                  .code,
              Errc::InvalidArgument);
    EXPECT_EQ(reg_->add_topic_class("a1NoSuch000", "/a1NoSuch000/${deviceName}/user/x",
                                    TopicPermission::All, "")
                  .error()
                  .code,
              Errc::ProductNotFound);
    ASSERT_TRUE(reg_->delete_topic_class(p.product_key, base + "get"));
    EXPECT_EQ(reg_->delete_topic_class(p.product_key, base + "get").error().code,
              Errc::TopicClassNotFound);

    reopen();
    auto hot = reg_->topic_classes(p.product_key);
    ASSERT_NE(hot, nullptr);
    ASSERT_EQ(hot->size(), 3u);
    EXPECT_EQ((*hot)[2].topic, base + "cmd/+");
    EXPECT_EQ((*hot)[2].description, "commands");
    EXPECT_EQ(reg_->topic_classes("a1NoSuch000"), nullptr);
    // Deleting the product takes its classes along.
    ASSERT_TRUE(reg_->delete_product(p.product_key));
    reopen();
    EXPECT_EQ(reg_->topic_classes(p.product_key), nullptr);
}

}  // namespace
}  // namespace ts::registry
