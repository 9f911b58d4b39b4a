// The console's static files at /: index and assets with their types and
// cache rules, page paths falling back to the index, nothing outside the
// loaded files, /api/ paths still asking for a token, and a helpful page
// when the console was not built.
#include <fstream>

#include "../support/temp_dir.hpp"
#include "api/routes.hpp"
#include "api_test_util.hpp"

namespace ts::api::test {
namespace {

class ConsoleFilesTest : public ::testing::Test {
protected:
    void start(const std::string& dir) {
        Router router;
        add_health_routes(router, metrics_, health_);
        add_console_routes(router, dir);
        ApiOptions opts;
        opts.bind = "127.0.0.1";
        opts.port = 0;
        opts.admin_token = kToken;
        auto s = ApiServer::start(opts, std::move(router));
        ASSERT_TRUE(s.has_value()) << s.error().message;
        server_ = std::move(*s);
    }
    Reply get(const std::string& target, std::optional<std::string> token = std::nullopt) {
        Client c(server_->port());
        return c.request(http::verb::get, target, std::nullopt, token);
    }
    void write(const std::string& rel, const std::string& body) {
        std::filesystem::create_directories(std::filesystem::path(dir_.file(rel)).parent_path());
        std::ofstream(dir_.file(rel)) << body;
    }

    ts::test::TempDir dir_;
    FixedMetrics metrics_;
    SettableHealth health_;
    std::unique_ptr<ApiServer> server_;
};

TEST_F(ConsoleFilesTest, ServesTheIndexAndAssets) {
    write("index.html", "<!doctype html><title>console</title>");
    write("assets/index-abc123.js", "console.log(1)");
    write("assets/index-abc123.css", "body{}");
    start(dir_.path());

    auto r = get("/");
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.body, "<!doctype html><title>console</title>");
    EXPECT_EQ(r.header(http::field::content_type), "text/html; charset=utf-8");
    EXPECT_EQ(r.header(http::field::cache_control), "no-cache");
    EXPECT_NE(r.headers["Content-Security-Policy"].find("default-src 'self'"), std::string::npos);

    r = get("/assets/index-abc123.js");
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.body, "console.log(1)");
    EXPECT_EQ(r.header(http::field::content_type), "text/javascript; charset=utf-8");
    EXPECT_EQ(r.header(http::field::cache_control), "public, max-age=31536000, immutable");
    EXPECT_EQ(get("/assets/index-abc123.css").header(http::field::content_type),
              "text/css; charset=utf-8");
}

TEST_F(ConsoleFilesTest, PagePathsGetTheIndexAndMissingFilesAre404) {
    write("index.html", "index");
    start(dir_.path());
    EXPECT_EQ(get("/devices").body, "index");
    EXPECT_EQ(get("/devices/p/d").status, 404u);  // its relative assets would not load
    EXPECT_EQ(get("/assets/nothing").status, 404u);
    auto r = get("/assets/missing.js");
    EXPECT_EQ(r.status, 404u);
    EXPECT_EQ(r.code(), "NotFound");
    // Only loaded files are served: nothing reaches the file system.
    EXPECT_EQ(get("/..%2F..%2Fetc%2Fpasswd.txt").status, 404u);
    EXPECT_EQ(get("/assets/..%2F..%2F..%2Fetc%2Fhostname.txt").status, 404u);
}

TEST_F(ConsoleFilesTest, ApiPathsAreNotConsolePages) {
    write("index.html", "index");
    start(dir_.path());
    // An unknown API path still asks for credentials first, then is a JSON 404.
    auto r = get("/api/v1/nothing");
    EXPECT_EQ(r.status, 401u);
    r = get("/api/v1/nothing", std::string(kToken));
    EXPECT_EQ(r.status, 404u);
    EXPECT_EQ(r.code(), "NotFound");
    // Encoded, "/%61pi/" is "/api/" too: no difference between paths that
    // exist and paths that do not without a token.
    EXPECT_EQ(get("/%61pi/v1/nothing").status, 401u);
    EXPECT_EQ(get("/%61pi/v1/nothing", std::string(kToken)).status, 404u);
    // Other methods are not "allowed GET" everywhere because of the catch-all.
    Client c(server_->port());
    r = c.request(http::verb::delete_, "/api/v1/nothing");
    EXPECT_EQ(r.status, 404u);
    // Literal routes keep winning over the catch-all.
    EXPECT_EQ(get("/healthz").js()["status"], "ok");
}

TEST_F(ConsoleFilesTest, SymbolicLinksAreNotServed) {
    namespace fs = std::filesystem;
    ts::test::TempDir outside;
    std::ofstream(outside.file("secret.txt")) << "TOPSECRET";
    fs::create_directories(outside.file("dir"));
    std::ofstream(outside.file("dir/inner.txt")) << "inner";
    write("index.html", "index");
    write("assets/app.js", "app");
    fs::create_symlink(outside.file("secret.txt"), dir_.file("secret.txt"));
    fs::create_symlink(outside.file("dir"), dir_.file("linked"));
    fs::create_symlink(dir_.file("assets/app.js"), dir_.file("assets/alias.js"));  // even inside
    // The console directory itself may be a link; files below it are served.
    fs::create_symlink(dir_.path(), outside.file("console"));
    start(outside.file("console"));

    EXPECT_EQ(get("/assets/app.js").body, "app");
    // The linked file's path relative to the console, as a request can
    // spell it with encoded slashes ("/..%2F<dir>%2Fsecret.txt").
    std::string escaped = "/";
    for (char c : fs::path(outside.file("secret.txt"))
                      .lexically_relative(fs::canonical(dir_.path()))
                      .generic_string())
        escaped += c == '/' ? std::string("%2F") : std::string(1, c);
    for (std::string path : {std::string("/secret.txt"), std::string("/linked/inner.txt"),
                             std::string("/assets/alias.js"), escaped}) {
        auto r = get(path);
        EXPECT_EQ(r.status, 404u) << path;
        EXPECT_EQ(r.body.find("TOPSECRET"), std::string::npos) << path;
    }
}

TEST_F(ConsoleFilesTest, AnIndexThatIsALinkIsNoConsole) {
    ts::test::TempDir outside;
    std::ofstream(outside.file("index.html")) << "elsewhere";
    std::filesystem::create_symlink(outside.file("index.html"), dir_.file("index.html"));
    start(dir_.path());
    auto r = get("/");
    EXPECT_EQ(r.body.find("elsewhere"), std::string::npos);
    EXPECT_NE(r.body.find("web console is not built"), std::string::npos);
}

TEST_F(ConsoleFilesTest, WithoutABuiltConsoleTheRootSaysHowToBuildIt) {
    start(dir_.file("missing"));
    auto r = get("/");
    EXPECT_EQ(r.status, 200u);
    EXPECT_NE(r.body.find("web console is not built"), std::string::npos);
    EXPECT_NE(r.body.find("--target console"), std::string::npos);
}

}  // namespace
}  // namespace ts::api::test
