#pragma once
// A registry in a temporary directory that tests can close and reopen.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/clock.hpp"
#include "registry/registry.hpp"
#include "temp_dir.hpp"

namespace ts::registry::test {

inline const std::string kTestKey(32, '\x5a');

class RegistryTest : public ::testing::Test {
protected:
    void SetUp() override { reopen(); }

    std::string db_path() const { return dir_.file("registry.db"); }

    void reopen(const std::string& key = kTestKey) {
        reg_.reset();
        auto r = open_sqlite_registry(db_path(), key, clock_);
        ASSERT_TRUE(r) << r.error().message;
        reg_ = std::move(*r);
    }

    Product make_product(const std::string& name = "Sensor") {
        ProductSpec spec;
        spec.name = name;
        auto p = reg_->create_product(spec);
        EXPECT_TRUE(p) << p.error().message;
        return p ? *p : Product{};
    }

    TempDir dir_;
    ManualClock clock_;
    std::unique_ptr<Registry> reg_;
};

}  // namespace ts::registry::test
