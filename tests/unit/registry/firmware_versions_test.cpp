// Firmware versions devices report (/ota/device/inform), per module.
#include <gtest/gtest.h>

#include "registry/validate.hpp"
#include "registry_fixture.hpp"
#include "store/sqlite_db.hpp"

namespace ts::registry {
namespace {

using test::RegistryTest;

std::int64_t query(const std::string& path, const std::string& sql) {
    auto db = store::sqlite::Database::open(path);
    EXPECT_TRUE(db) << db.error().message;
    if (!db) return -1;
    auto n = db->query_int64(sql);
    EXPECT_TRUE(n) << n.error().message;
    return n ? *n : -1;
}

TEST_F(RegistryTest, FirmwareVersionsPerModuleAreCachedAndSurviveReopen) {
    auto p = make_product();
    ASSERT_TRUE(reg_->register_device(p.product_key, "dev-01"));
    EXPECT_TRUE(reg_->find_device(p.product_key, "dev-01")->firmware_versions.empty());

    auto d = reg_->set_firmware_version(p.product_key, "dev-01", "default", "1.0.0");
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->firmware_version, "1.0.0");
    ASSERT_TRUE(reg_->set_firmware_version(p.product_key, "dev-01", "MCU", "2.1"));
    ASSERT_TRUE(reg_->set_firmware_version(p.product_key, "dev-01", "default", "1.0.1"));

    const std::map<std::string, std::string> expected{{"default", "1.0.1"}, {"MCU", "2.1"}};
    auto cached = reg_->find_device(p.product_key, "dev-01");  // no disk read
    EXPECT_EQ(cached->firmware_versions, expected);
    EXPECT_EQ(cached->firmware_version, "1.0.1");
    reopen();
    auto got = reg_->get_device(p.product_key, "dev-01");
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(got->firmware_versions, expected);
    EXPECT_EQ(got->firmware_version, "1.0.1");
}

TEST_F(RegistryTest, ARepeatedVersionIsNotWrittenAgain) {
    auto p = make_product();
    ASSERT_TRUE(reg_->register_device(p.product_key, "dev-01"));
    ASSERT_TRUE(reg_->set_firmware_version(p.product_key, "dev-01", "default", "1.0.0"));
    const std::string sql = "SELECT time FROM registry_device_firmware WHERE module = 'default'";
    const auto first = query(db_path(), sql);
    clock_.advance(60'000);
    ASSERT_TRUE(reg_->set_firmware_version(p.product_key, "dev-01", "default", "1.0.0"));
    EXPECT_EQ(query(db_path(), sql), first);
    ASSERT_TRUE(reg_->set_firmware_version(p.product_key, "dev-01", "default", "1.0.2"));
    EXPECT_EQ(query(db_path(), sql), first + 60'000);
}

TEST_F(RegistryTest, FirmwareVersionsGoWithTheDevice) {
    auto p = make_product();
    ASSERT_TRUE(reg_->register_device(p.product_key, "dev-01"));
    ASSERT_TRUE(reg_->set_firmware_version(p.product_key, "dev-01", "default", "1.0.0"));
    ASSERT_TRUE(reg_->set_firmware_version(p.product_key, "dev-01", "wifi", "3"));
    ASSERT_TRUE(reg_->delete_device(p.product_key, "dev-01"));
    EXPECT_EQ(query(db_path(), "SELECT count(*) FROM registry_device_firmware"), 0);
    ASSERT_TRUE(reg_->register_device(p.product_key, "dev-01"));
    auto again = reg_->get_device(p.product_key, "dev-01");
    EXPECT_TRUE(again->firmware_versions.empty());
    EXPECT_EQ(again->firmware_version, "");
}

TEST_F(RegistryTest, FirmwareReportsAreChecked) {
    auto p = make_product();
    ASSERT_TRUE(reg_->register_device(p.product_key, "dev-01"));
    const std::string pk = p.product_key;
    EXPECT_EQ(reg_->set_firmware_version(pk, "nope", "default", "1").error().code,
              Errc::DeviceNotFound);
    EXPECT_EQ(reg_->set_firmware_version(pk, "dev-01", "", "1").error().code,
              Errc::InvalidArgument);
    EXPECT_EQ(reg_->set_firmware_version(pk, "dev-01", "a/b", "1").error().code,
              Errc::InvalidArgument);
    EXPECT_EQ(reg_->set_firmware_version(pk, "dev-01", "default", "").error().code,
              Errc::InvalidArgument);
    EXPECT_EQ(
        reg_->set_firmware_version(pk, "dev-01", "default", std::string(65, 'v')).error().code,
        Errc::InvalidArgument);
    for (std::size_t i = 0; i < kMaxFirmwareModules; ++i)
        ASSERT_TRUE(reg_->set_firmware_version(pk, "dev-01", "m" + std::to_string(i), "1"));
    EXPECT_EQ(reg_->set_firmware_version(pk, "dev-01", "one-more", "1").error().code,
              Errc::InvalidArgument);
    // A module it has may still change version.
    EXPECT_TRUE(reg_->set_firmware_version(pk, "dev-01", "m0", "2"));
}

}  // namespace
}  // namespace ts::registry
