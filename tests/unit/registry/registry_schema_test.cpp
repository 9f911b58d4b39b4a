// Upgrades: a registry written by an older build opens with this one, and
// the columns added since hold their defaults.
#include "registry/registry_schema.hpp"

#include <gtest/gtest.h>

#include "registry/registry_store.hpp"
#include "registry/secret_box.hpp"
#include "registry_fixture.hpp"
#include "store/migrations.hpp"

namespace ts::registry {
namespace {

using store::sqlite::Blob;
using store::sqlite::Database;
using test::kTestKey;
using test::RegistryTest;

constexpr std::string_view kPk = "a1OldProd00";
constexpr std::string_view kProductSecret = "0123456789abcdef";
constexpr std::string_view kDeviceSecret = "0123456789abcdef0123456789abcdef";

// The database as the first release wrote it: migration 1 only, one product
// with one device, secrets sealed under the test key.
void write_v1_registry(const std::string& path) {
    auto db = Database::open(path);
    ASSERT_TRUE(db) << db.error().message;
    auto v = store::apply_migrations(*db, kRegistryComponent, registry_migrations().first(1));
    ASSERT_TRUE(v) << v.error().message;
    ASSERT_EQ(*v, 1);
    auto box = SecretBox::create(kTestKey);
    ASSERT_TRUE(box) << box.error().message;
    auto product_secret = box->seal(kProductSecret, product_secret_aad(kPk));
    auto device_secret = box->seal(kDeviceSecret, device_secret_aad(kPk, "dev1"));
    ASSERT_TRUE(product_secret && device_secret);

    auto st = db->prepare(
        "INSERT INTO registry_products (product_key, name, node_type, data_format, auth_type, "
        "product_secret, description, created_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    ASSERT_TRUE(st) << st.error().message;
    ASSERT_TRUE(st->bind_all(kPk, "Old", "gateway", "raw", "secret", Blob{*product_secret},
                             "from v1", 1'600'000'000'000));
    ASSERT_TRUE(st->run());
    st = db->prepare(
        "INSERT INTO registry_devices (product_key, device_name, device_secret, enabled, "
        "created_time) VALUES (?1, ?2, ?3, ?4, ?5)");
    ASSERT_TRUE(st) << st.error().message;
    ASSERT_TRUE(st->bind_all(kPk, "dev1", Blob{*device_secret}, true, 1'600'000'000'001));
    ASSERT_TRUE(st->run());
}

int registry_version(const std::string& path) {
    auto db = Database::open(path);
    EXPECT_TRUE(db) << db.error().message;
    auto v = store::schema_version(*db, kRegistryComponent);
    EXPECT_TRUE(v) << v.error().message;
    return v ? *v : -1;
}

class RegistryUpgrade : public RegistryTest {
protected:
    // The fixture opens a fresh registry; these tests start from an old file.
    void SetUp() override {}
};

TEST_F(RegistryUpgrade, FromMigrationOneProductsAreStrict) {
    write_v1_registry(db_path());
    ASSERT_FALSE(HasFatalFailure());
    reopen();
    EXPECT_EQ(registry_version(db_path()), registry_migrations().back().version);

    auto p = reg_->get_product(std::string(kPk));
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->name, "Old");
    EXPECT_EQ(p->node_type, NodeType::Gateway);
    EXPECT_EQ(p->data_format, DataFormat::Raw);
    EXPECT_EQ(p->product_secret, kProductSecret);
    EXPECT_EQ(p->description, "from v1");
    EXPECT_EQ(p->created_time, 1'600'000'000'000);
    EXPECT_EQ(p->validation_mode, ValidationMode::Strict);
    auto d = reg_->find_device(kPk, "dev1");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->device_secret, kDeviceSecret);

    // The upgraded row takes changes like a new one, and keeps them.
    ProductPatch patch;
    patch.validation_mode = ValidationMode::Lenient;
    ASSERT_TRUE(reg_->update_product(std::string(kPk), patch));
    reopen();
    EXPECT_EQ(reg_->find_product(kPk)->validation_mode, ValidationMode::Lenient);
    EXPECT_EQ(registry_version(db_path()), registry_migrations().back().version);
}

// Before migration 3 the connection state sat in the device row, online
// flag included; it moves to a table of its own and the flag is dropped.
TEST_F(RegistryUpgrade, ConnectionStateMovesOutOfTheDeviceRow) {
    write_v1_registry(db_path());
    ASSERT_FALSE(HasFatalFailure());
    {
        auto db = Database::open(db_path());
        ASSERT_TRUE(db) << db.error().message;
        ASSERT_TRUE(
            store::apply_migrations(*db, kRegistryComponent, registry_migrations().first(2)));
        ASSERT_TRUE(
            db->exec("UPDATE registry_devices SET online = 1, first_online_time = 1700000000000, "
                     "last_online_time = 1700000000500, ip_address = '10.1.2.3'"));
    }
    reopen();
    EXPECT_EQ(registry_version(db_path()), registry_migrations().back().version);
    auto d = reg_->find_device(kPk, "dev1");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->device_secret, kDeviceSecret);
    EXPECT_EQ(d->first_online_time, 1'700'000'000'000);
    EXPECT_EQ(d->last_online_time, 1'700'000'000'500);
    EXPECT_EQ(d->ip_address, "10.1.2.3");
    EXPECT_EQ(d->status(), DeviceStatus::Offline);  // no connection survives a restart

    // The moved row takes new connections, and keeps them.
    reg_->mark_online(std::string(kPk), "dev1", "10.9.9.9", 1'800'000'000'000);
    reopen();
    d = reg_->find_device(kPk, "dev1");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->first_online_time, 1'700'000'000'000);
    EXPECT_EQ(d->last_online_time, 1'800'000'000'000);
    EXPECT_EQ(d->ip_address, "10.9.9.9");
}

// Migration 4 moves firmware versions into a table of their own, per
// module; a version the old column held becomes the "default" module's.
TEST_F(RegistryUpgrade, FirmwareVersionBecomesTheDefaultModule) {
    write_v1_registry(db_path());
    ASSERT_FALSE(HasFatalFailure());
    {
        auto db = Database::open(db_path());
        ASSERT_TRUE(db) << db.error().message;
        ASSERT_TRUE(
            store::apply_migrations(*db, kRegistryComponent, registry_migrations().first(3)));
        ASSERT_TRUE(db->exec("UPDATE registry_devices SET firmware_version = '0.9.0'"));
    }
    reopen();
    EXPECT_EQ(registry_version(db_path()), registry_migrations().back().version);
    auto d = reg_->find_device(kPk, "dev1");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->firmware_version, "0.9.0");
    EXPECT_EQ(d->firmware_versions, (std::map<std::string, std::string>{{"default", "0.9.0"}}));
}

}  // namespace
}  // namespace ts::registry
