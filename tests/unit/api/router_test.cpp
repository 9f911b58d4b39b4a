// Router: patterns, custom verbs, URL decoding, specificity, 404 vs 405.
#include "api/router.hpp"

#include <gtest/gtest.h>

namespace ts::api {
namespace {

using boost::beast::http::verb;
using Kind = RouteMatch::Kind;

Handler named(std::string name) {
    return [name](const Request&) { return Response::text(200, "text/plain", name); };
}

std::string which(const RouteMatch& m) {
    if (m.kind != Kind::Found) return "<none>";
    return m.route->handler(Request{}).body;
}

class RouterTest : public ::testing::Test {
protected:
    void SetUp() override {
        r.add(verb::get, "/products", named("list"));
        r.add(verb::post, "/products", named("create"));
        r.add(verb::get, "/products/{pk}", named("get-product"));
        r.add(verb::post, "/products/{pk}/devices:batch", named("batch"));
        r.add(verb::get, "/products/{pk}/devices/{dn}", named("get-device"));
        r.add(verb::delete_, "/products/{pk}/devices/{dn}", named("del-device"));
        r.add(verb::post, "/products/{pk}/devices/{dn}:disable", named("disable"));
        r.add(verb::post, "/products/{pk}/devices/{dn}:enable", named("enable"));
        r.add(verb::get, "/products/special", named("special"));
        r.add(verb::get, "/static/{file=**}", named("static"));
    }
    Router r;
};

TEST_F(RouterTest, LiteralAndVariableSegments) {
    auto m = r.match(verb::get, "/products/a1B2");
    EXPECT_EQ(which(m), "get-product");
    EXPECT_EQ(m.params.at("pk"), "a1B2");
    EXPECT_EQ(which(r.match(verb::get, "/products")), "list");
    EXPECT_EQ(which(r.match(verb::post, "/products")), "create");
}

TEST_F(RouterTest, LiteralBeatsVariable) {
    EXPECT_EQ(which(r.match(verb::get, "/products/special")), "special");
}

TEST_F(RouterTest, CustomVerbs) {
    auto m = r.match(verb::post, "/products/pk1/devices/dev1:disable");
    EXPECT_EQ(which(m), "disable");
    EXPECT_EQ(m.params.at("pk"), "pk1");
    EXPECT_EQ(m.params.at("dn"), "dev1");
    EXPECT_EQ(which(r.match(verb::post, "/products/pk1/devices/dev1:enable")), "enable");
    EXPECT_EQ(which(r.match(verb::post, "/products/pk1/devices:batch")), "batch");
    // An unknown verb is not a route.
    EXPECT_EQ(r.match(verb::post, "/products/pk1/devices:frobnicate").kind, Kind::NotFound);
    // Nothing before the verb: no device name.
    EXPECT_NE(r.match(verb::post, "/products/pk1/devices/:disable").kind, Kind::Found);
}

TEST_F(RouterTest, ColonsInDeviceNames) {
    // A route without a verb takes the whole segment.
    auto m = r.match(verb::get, "/products/pk/devices/a:b");
    EXPECT_EQ(which(m), "get-device");
    EXPECT_EQ(m.params.at("dn"), "a:b");
    m = r.match(verb::get, "/products/pk/devices/a:disable");
    EXPECT_EQ(which(m), "get-device");
    EXPECT_EQ(m.params.at("dn"), "a:disable");
    // The verb is after the last ':'.
    m = r.match(verb::post, "/products/pk/devices/a:b:disable");
    EXPECT_EQ(which(m), "disable");
    EXPECT_EQ(m.params.at("dn"), "a:b");
    // An encoded ':' is never a separator.
    EXPECT_EQ(r.match(verb::post, "/products/pk/devices/a%3Adisable").kind, Kind::MethodNotAllowed);
    m = r.match(verb::post, "/products/pk/devices/a%3Adisable:disable");
    EXPECT_EQ(m.params.at("dn"), "a:disable");
}

TEST_F(RouterTest, SegmentsAreUrlDecodedAfterSplitting) {
    auto m = r.match(verb::get, "/products/pk/devices/a%2Fb%20c+d");
    EXPECT_EQ(which(m), "get-device");
    EXPECT_EQ(m.params.at("dn"), "a/b c+d");  // '+' is literal in a path
    EXPECT_EQ(r.match(verb::get, "/products/pk/devices/bad%zz").kind, Kind::BadPath);
    EXPECT_EQ(r.match(verb::get, "/products/pk/devices/bad%2").kind, Kind::BadPath);
}

TEST_F(RouterTest, NotFoundVersusMethodNotAllowed) {
    EXPECT_EQ(r.match(verb::get, "/nothing").kind, Kind::NotFound);
    EXPECT_EQ(r.match(verb::get, "/products/pk/extra/x").kind, Kind::NotFound);
    EXPECT_EQ(r.match(verb::get, "/products/").kind, Kind::NotFound);  // empty variable
    EXPECT_EQ(r.match(verb::get, "").kind, Kind::NotFound);
    auto m = r.match(verb::put, "/products/pk/devices/d1");
    EXPECT_EQ(m.kind, Kind::MethodNotAllowed);
    ASSERT_EQ(m.allow.size(), 2u);
    EXPECT_EQ(m.allow[0], verb::get);
    EXPECT_EQ(m.allow[1], verb::delete_);
    EXPECT_EQ(r.match(verb::delete_, "/products").kind, Kind::MethodNotAllowed);
}

TEST_F(RouterTest, RestOfPath) {
    auto m = r.match(verb::get, "/static/css/app%20x.css");
    EXPECT_EQ(which(m), "static");
    EXPECT_EQ(m.params.at("file"), "css/app x.css");
    EXPECT_EQ(r.match(verb::get, "/static/").params.at("file"), "");
}

TEST(UrlDecode, QueryStrings) {
    auto q = parse_query("a=1&b=x%20y+z&&c&a=2&topic=%2Fpk%2F%24%7BdeviceName%7D");
    ASSERT_TRUE(q);
    EXPECT_EQ(q->at("a"), "1");  // first wins
    EXPECT_EQ(q->at("b"), "x y z");
    EXPECT_EQ(q->at("c"), "");
    EXPECT_EQ(q->at("topic"), "/pk/${deviceName}");
    EXPECT_FALSE(parse_query("a=%G1"));
    EXPECT_EQ(url_decode("%41%62", false), "Ab");
}

}  // namespace
}  // namespace ts::api
