#include "registry/secret_box.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <optional>

#include "temp_dir.hpp"

namespace ts::registry {
namespace {

using test::TempDir;

const std::string kKey(32, '\x42');

TEST(SecretBox, RoundTrip) {
    auto box = SecretBox::create(kKey);
    ASSERT_TRUE(box);
    auto sealed = box->seal("my device secret", "device/pk/dn");
    ASSERT_TRUE(sealed);
    EXPECT_EQ(sealed->size(), 12u + 16u + 16u);
    EXPECT_EQ(sealed->find("my device secret"), std::string::npos);
    auto opened = box->open(*sealed, "device/pk/dn");
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_EQ(*opened, "my device secret");
    auto empty = box->seal("", "x");
    ASSERT_TRUE(empty);
    EXPECT_EQ(*box->open(*empty, "x"), "");
}

TEST(SecretBox, FreshNonceEachTime) {
    auto box = SecretBox::create(kKey);
    EXPECT_NE(*box->seal("same", "a"), *box->seal("same", "a"));
}

TEST(SecretBox, DetectsTamperingWrongKeyAndWrongRow) {
    auto box = SecretBox::create(kKey);
    const std::string sealed = *box->seal("secret", "device/pk/dn");
    for (std::size_t i = 0; i < sealed.size(); ++i) {
        std::string bad = sealed;
        bad[i] = static_cast<char>(bad[i] ^ 0x01);
        EXPECT_FALSE(box->open(bad, "device/pk/dn")) << "flipped byte " << i;
    }
    EXPECT_FALSE(box->open(sealed.substr(0, 27), "device/pk/dn"));
    EXPECT_FALSE(box->open(sealed, "device/pk/other"));
    auto other = SecretBox::create(std::string(32, '\x43'));
    auto r = other->open(sealed, "device/pk/dn");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::StorageError);
}

TEST(SecretBox, KeyMustBe32Bytes) {
    EXPECT_FALSE(SecretBox::create(""));
    EXPECT_FALSE(SecretBox::create(std::string(31, 'k')));
    EXPECT_FALSE(SecretBox::create(std::string(33, 'k')));
}

TEST(Hex, RoundTrip) {
    std::string out;
    EXPECT_EQ(to_hex(std::string("\x00\xff\x10", 3)), "00ff10");
    EXPECT_TRUE(from_hex("00FF10", out));
    EXPECT_EQ(out, std::string("\x00\xff\x10", 3));
    EXPECT_TRUE(from_hex("", out));
    EXPECT_EQ(out, "");
    EXPECT_FALSE(from_hex("abc", out));
    EXPECT_FALSE(from_hex("zz", out));
}

// Sets or clears THINGSTEAD_MASTER_KEY for one test and restores it after.
class EnvKey {
public:
    explicit EnvKey(const char* value) {
        if (const char* old = ::getenv("THINGSTEAD_MASTER_KEY")) old_ = old;
        if (value != nullptr)
            ::setenv("THINGSTEAD_MASTER_KEY", value, 1);
        else
            ::unsetenv("THINGSTEAD_MASTER_KEY");
    }
    ~EnvKey() {
        if (old_)
            ::setenv("THINGSTEAD_MASTER_KEY", old_->c_str(), 1);
        else
            ::unsetenv("THINGSTEAD_MASTER_KEY");
    }

private:
    std::optional<std::string> old_;
};

TEST(MasterKey, CreatedWithMode0600AndReusedAfter) {
    EnvKey env(nullptr);
    TempDir dir;
    const std::string data = dir.file("data");  // created on demand
    auto key = load_master_key(data);
    ASSERT_TRUE(key) << key.error().message;
    EXPECT_EQ(key->size(), 32u);
    struct stat st {};
    ASSERT_EQ(::stat((data + "/master.key").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(st.st_size, 32);
    auto again = load_master_key(data);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *key);
}

TEST(MasterKey, WrongSizeFileIsAnErrorAndKept) {
    EnvKey env(nullptr);
    TempDir dir;
    { std::ofstream(dir.file("master.key")) << "short"; }
    auto key = load_master_key(dir.path());
    ASSERT_FALSE(key);
    EXPECT_NE(key.error().message.find("32 bytes"), std::string::npos) << key.error().message;
    std::ifstream in(dir.file("master.key"));
    std::string content;
    in >> content;
    EXPECT_EQ(content, "short");
}

TEST(MasterKey, EnvironmentOverridesTheFile) {
    TempDir dir;
    EnvKey env("000102030405060708090a0b0c0d0e0f101112131415161718191A1B1C1D1E1F");
    auto key = load_master_key(dir.path());
    ASSERT_TRUE(key) << key.error().message;
    std::string expected;
    for (int i = 0; i < 32; ++i) expected.push_back(static_cast<char>(i));
    EXPECT_EQ(*key, expected);
    struct stat st {};
    EXPECT_NE(::stat(dir.file("master.key").c_str(), &st), 0);  // no file written
}

TEST(MasterKey, MalformedEnvironmentKeyIsAnError) {
    TempDir dir;
    {
        EnvKey env("abcd");
        EXPECT_FALSE(load_master_key(dir.path()));
    }
    {
        EnvKey env(std::string(64, 'g').c_str());
        auto r = load_master_key(dir.path());
        ASSERT_FALSE(r);
        EXPECT_NE(r.error().message.find("THINGSTEAD_MASTER_KEY"), std::string::npos);
    }
}

}  // namespace
}  // namespace ts::registry
