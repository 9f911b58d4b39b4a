// /products over a real socket: create, list with paging, read, patch,
// delete, and the field-naming 400s.
#include "api_test_util.hpp"

namespace ts::api::test {
namespace {

using ProductsApi = ApiTest;

TEST_F(ProductsApi, CreateReturnsTheProduct) {
    auto r = post("/products", {{"name", "lamp"},
                                {"nodeType", "gateway"},
                                {"dataFormat", "raw"},
                                {"authType", "x509"},
                                {"description", "a lamp"},
                                {"validationMode", "lenient"}});
    ASSERT_EQ(r.status, 201u) << r.body;
    EXPECT_EQ(r.header(http::field::content_type), "application/json; charset=utf-8");
    auto j = r.js();
    EXPECT_EQ(j["productKey"].get<std::string>().size(), 11u);
    EXPECT_FALSE(j["productSecret"].get<std::string>().empty());
    EXPECT_EQ(j["name"], "lamp");
    EXPECT_EQ(j["nodeType"], "gateway");
    EXPECT_EQ(j["dataFormat"], "raw");
    EXPECT_EQ(j["authType"], "x509");
    EXPECT_EQ(j["description"], "a lamp");
    EXPECT_EQ(j["validationMode"], "lenient");
    EXPECT_TRUE(j["createdTime"].is_number_integer());
}

TEST_F(ProductsApi, CreateDefaults) {
    auto j = post("/products", {{"name", "plain"}}).js();
    EXPECT_EQ(j["nodeType"], "device");
    EXPECT_EQ(j["dataFormat"], "alink");
    EXPECT_EQ(j["authType"], "secret");
    EXPECT_EQ(j["description"], "");
    EXPECT_EQ(j["validationMode"], "strict");
}

TEST_F(ProductsApi, BadFieldsAreNamed) {
    auto r = post("/products", {{"name", "x"}, {"nodeType", "toaster"}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.code(), "InvalidArgument");
    EXPECT_EQ(r.message(), "nodeType: must be \"device\" or \"gateway\"");

    r = post("/products", json::object());
    EXPECT_EQ(r.code(), "InvalidArgument");
    EXPECT_EQ(r.message(), "name: required");

    r = post("/products", {{"name", 5}});
    EXPECT_EQ(r.message(), "name: must be a string");

    r = post("/products", {{"name", "x"}, {"dataFormat", "xml"}});
    EXPECT_EQ(r.message().rfind("dataFormat: ", 0), 0u) << r.message();
    r = post("/products", {{"name", "x"}, {"authType", 1}});
    EXPECT_EQ(r.message().rfind("authType: ", 0), 0u) << r.message();

    // The registry's own validation comes through with its field name.
    r = post("/products", {{"name", ""}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.message().rfind("name: ", 0), 0u) << r.message();
}

TEST_F(ProductsApi, NumbersNoDoubleHoldsAre400) {
    // Valid JSON whose number overflows a double: the value is wrong (400),
    // not the server (it was a 500).
    for (const char* body : {R"({"name":"x","description":1e400})", R"([-1e400])",
                             R"({"name":"x","tags":{"a":[1E+999]}})"}) {
        auto r = post_raw("/products", std::string(body));
        EXPECT_EQ(r.status, 400u) << body;
        EXPECT_EQ(r.code(), "InvalidArgument") << body;
        EXPECT_EQ(r.message().rfind("body: ", 0), 0u) << r.message();
    }
    EXPECT_EQ(get("/products").js()["items"].size(), 0u);
}

TEST_F(ProductsApi, ValidationModeIsSetAtCreateAndPatched) {
    auto r = post("/products", {{"name", "x"}, {"validationMode", "loose"}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.code(), "InvalidArgument");
    EXPECT_EQ(r.message(), "validationMode: must be \"strict\", \"lenient\" or \"off\"");
    r = post("/products", {{"name", "x"}, {"validationMode", 1}});
    EXPECT_EQ(r.message().rfind("validationMode: ", 0), 0u) << r.message();
    EXPECT_EQ(get("/products").js()["items"].size(), 0u);  // nothing was created

    r = post("/products", {{"name", "meter"}, {"validationMode", "off"}});
    ASSERT_EQ(r.status, 201u) << r.body;
    const std::string pk = r.js()["productKey"];
    EXPECT_EQ(r.js()["validationMode"], "off");

    r = patch("/products/" + pk, {{"validationMode", "lenient"}});
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["validationMode"], "lenient");
    EXPECT_EQ(r.js()["name"], "meter");  // other fields untouched
    EXPECT_EQ(get("/products/" + pk).js()["validationMode"], "lenient");
    EXPECT_EQ(get("/products").js()["items"][0]["validationMode"], "lenient");  // lists too

    r = patch("/products/" + pk, {{"validationMode", "Strict"}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.code(), "InvalidArgument");
    EXPECT_EQ(r.message(), "validationMode: must be \"strict\", \"lenient\" or \"off\"");
    EXPECT_EQ(get("/products/" + pk).js()["validationMode"], "lenient");  // unchanged

    r = patch("/products/" + pk, {{"name", "meter2"}});  // absent: left as it was
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["validationMode"], "lenient");
}

TEST_F(ProductsApi, UnknownFieldIsRejected) {
    auto r = post("/products", {{"name", "lamp"}, {"foo", 1}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.code(), "UnknownField");
    EXPECT_EQ(r.message(), "unknown field 'foo'");
    EXPECT_EQ(get("/products").js()["items"].size(), 0u);  // nothing was created
}

TEST_F(ProductsApi, MalformedJson) {
    auto r = post_raw("/products", std::string("{\"name\": "));
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.code(), "MalformedJson");
    r = post_raw("/products", std::string("[1, 2]"));
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.code(), "InvalidArgument");
    EXPECT_EQ(r.message(), "body: must be a JSON object");
    r = post_raw("/products", std::string("{\"name\": \"\xff\"}"));  // invalid UTF-8
    EXPECT_EQ(r.code(), "MalformedJson");
}

TEST_F(ProductsApi, DuplicateIs409) {
    make_product("lamp");
    auto r = post("/products", {{"name", "lamp"}});
    EXPECT_EQ(r.status, 409u);
    EXPECT_EQ(r.code(), "ProductAlreadyExists");
}

TEST_F(ProductsApi, GetPatchDelete) {
    auto pk = make_product("lamp");
    auto r = get("/products/" + pk);
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(r.js()["productKey"], pk);
    EXPECT_TRUE(r.js().contains("productSecret"));

    r = patch("/products/" + pk, {{"name", "lamp2"}, {"description", "d"}});
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["name"], "lamp2");
    EXPECT_EQ(r.js()["description"], "d");
    EXPECT_EQ(get("/products/" + pk).js()["name"], "lamp2");

    r = patch("/products/" + pk, {{"nodeType", "gateway"}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.message(), "nodeType: cannot be changed after the product is created");
    r = patch("/products/" + pk, {{"colour", "red"}});
    EXPECT_EQ(r.code(), "UnknownField");

    r = del("/products/" + pk);
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.js(), json::object());
    r = get("/products/" + pk);
    EXPECT_EQ(r.status, 404u);
    EXPECT_EQ(r.code(), "ProductNotFound");
    EXPECT_EQ(del("/products/" + pk).code(), "ProductNotFound");
    EXPECT_EQ(patch("/products/" + pk, {{"name", "x"}}).status, 404u);
}

TEST_F(ProductsApi, DeleteWithDevicesIs409) {
    auto pk = make_product();
    ASSERT_EQ(post("/products/" + pk + "/devices", {{"deviceName", "dev1"}}).status, 201u);
    auto r = del("/products/" + pk);
    EXPECT_EQ(r.status, 409u);
    EXPECT_EQ(r.code(), "ProductHasDevices");
}

TEST_F(ProductsApi, ListPagesWithTokens) {
    for (int i = 0; i < 5; ++i) make_product("p" + std::to_string(i));
    std::vector<std::string> seen;
    std::string token;
    int pages = 0;
    do {
        std::string q = "/products?pageSize=2";
        if (!token.empty()) q += "&pageToken=" + token;
        auto r = get(q);
        ASSERT_EQ(r.status, 200u) << r.body;
        auto j = r.js();
        EXPECT_LE(j["items"].size(), 2u);
        for (auto& p : j["items"]) {
            seen.push_back(p["name"].get<std::string>());
            EXPECT_FALSE(p.contains("productSecret"));  // lists leave secrets out
        }
        token = j["nextPageToken"].get<std::string>();
        ++pages;
    } while (!token.empty() && pages < 10);
    EXPECT_EQ(pages, 3);
    EXPECT_EQ(seen.size(), 5u);

    EXPECT_EQ(get("/products?pageSize=0").message(), "pageSize: must be a positive integer");
    EXPECT_EQ(get("/products?pageSize=abc").status, 400u);
    EXPECT_EQ(get("/products?pageToken=garbage").message(), "pageToken: invalid");
    auto r = get("/products?sort=name");
    EXPECT_EQ(r.code(), "UnknownField");
    EXPECT_EQ(r.message(), "unknown query parameter 'sort'");
}

TEST_F(ProductsApi, RegistryFailureIs500) {
    registry_.fail_next({registry::Errc::StorageError, "disk I/O error"});
    auto r = get("/products/whatever");
    EXPECT_EQ(r.status, 500u);
    EXPECT_EQ(r.code(), "InternalError");
}

}  // namespace
}  // namespace ts::api::test
