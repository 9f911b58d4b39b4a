// What the REST subcommands send: paths, query strings and bodies.
#include <gtest/gtest.h>

#include "app/cli/api_call.hpp"
#include "app/cli/requests.hpp"

namespace ts::app::cli {
namespace {

using nlohmann::json;

TEST(CliRequests, ProductCreateSendsOnlyGivenFields) {
    auto r = product_create(
        {"Lamp", std::nullopt, std::string("raw"), std::nullopt, std::nullopt, std::nullopt});
    EXPECT_EQ(r.method, Method::Post);
    EXPECT_EQ(r.path, "/api/v1/products");
    EXPECT_EQ(*r.body, (json{{"name", "Lamp"}, {"dataFormat", "raw"}}));
    ProductCreate lenient;
    lenient.name = "Lamp";
    lenient.validation_mode = "lenient";
    EXPECT_EQ(*product_create(lenient).body,
              (json{{"name", "Lamp"}, {"validationMode", "lenient"}}));
}

TEST(CliRequests, ProductListPaging) {
    EXPECT_EQ(product_list({}).path, "/api/v1/products");
    EXPECT_EQ(product_list({10, std::string("a/b=")}).path,
              "/api/v1/products?pageSize=10&pageToken=a%2Fb%3D");
}

TEST(CliRequests, ProductUpdateAndDelete) {
    auto u = product_update("pk1", {std::nullopt, std::string("d"), std::nullopt});
    EXPECT_EQ(u.method, Method::Patch);
    EXPECT_EQ(u.path, "/api/v1/products/pk1");
    EXPECT_EQ(*u.body, (json{{"description", "d"}}));
    ProductPatch mode;
    mode.validation_mode = "strict";
    EXPECT_EQ(*product_update("pk1", mode).body, (json{{"validationMode", "strict"}}));
    auto d = product_delete("p k");
    EXPECT_EQ(d.method, Method::Delete);
    EXPECT_EQ(d.path, "/api/v1/products/p%20k");
    EXPECT_FALSE(d.body);
}

TEST(CliRequests, DeviceRegisterAndBatch) {
    EXPECT_EQ(*device_register("pk", std::nullopt).body, json::object());
    EXPECT_EQ(*device_register("pk", std::string("d1")).body, (json{{"deviceName", "d1"}}));
    auto c = device_batch_count("pk", 5);
    EXPECT_EQ(c.path, "/api/v1/products/pk/devices:batch");
    EXPECT_EQ(*c.body, (json{{"count", 5}}));
    auto n = device_batch_names("pk", {"a", "b"});
    EXPECT_EQ(*n.body, (json{{"deviceNames", {"a", "b"}}}));
}

TEST(CliRequests, DeviceListFilters) {
    DeviceFilter f;
    f.status = "online";
    f.tag = "room:kitchen";
    f.name_prefix = "lamp-";
    f.paging.page_size = 2;
    EXPECT_EQ(device_list("pk", f).path,
              "/api/v1/products/pk/devices?status=online&name=lamp-&tag=room%3Akitchen&pageSize=2");
}

TEST(CliRequests, DeviceActionsUseCustomMethods) {
    auto r = device_action("pk", "dev.1", "rotateSecret");
    EXPECT_EQ(r.method, Method::Post);
    EXPECT_EQ(r.path, "/api/v1/products/pk/devices/dev.1:rotateSecret");
    EXPECT_EQ(*r.body, json::object());
    EXPECT_EQ(device_get("pk", "a@b").path, "/api/v1/products/pk/devices/a%40b");
}

TEST(CliRequests, TopicClassDeleteCarriesTopicInQuery) {
    auto r = topic_class_delete("pk", "/pk/${deviceName}/user/update");
    EXPECT_EQ(r.method, Method::Delete);
    EXPECT_EQ(
        r.path,
        "/api/v1/products/pk/topic-classes?topic=%2Fpk%2F%24%7BdeviceName%7D%2Fuser%2Fupdate");
    auto a = topic_class_add("pk", "/t", "pub", std::nullopt);
    EXPECT_EQ(*a.body, (json{{"topic", "/t"}, {"permission", "pub"}}));
}

TEST(CliRequests, SplitNames) {
    EXPECT_EQ(*split_names("a, b ,c"), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(*split_names("solo"), (std::vector<std::string>{"solo"}));
    EXPECT_FALSE(split_names("a,,b"));
    EXPECT_FALSE(split_names(""));
    EXPECT_FALSE(split_names("a,"));
}

}  // namespace
}  // namespace ts::app::cli
