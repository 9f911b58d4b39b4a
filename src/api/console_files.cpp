// The web console's static files (built from web/ by Vite) at /. They are
// read into memory when the server starts: a request can only ever get one
// of those files, so no path from a request reaches the file system. Symbolic
// links below the console directory are never followed (see load()).
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "api/errors.hpp"
#include "api/routes.hpp"
#include "core/log.hpp"

namespace ts::api {
namespace {

namespace fs = std::filesystem;
namespace http = boost::beast::http;

// The whole console is well under a megabyte; this only stops a wrong
// directory (say, "/") from being read into memory.
constexpr std::uintmax_t kMaxTotalBytes = 64ull * 1024 * 1024;

struct StaticFile {
    std::string content_type;
    std::string body;
};
using FileMap = std::map<std::string, StaticFile, std::less<>>;

std::string content_type_of(const fs::path& p) {
    static const std::map<std::string, std::string, std::less<>> types = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
        {".map", "application/json; charset=utf-8"},
    };
    auto it = types.find(p.extension().string());
    return it == types.end() ? "application/octet-stream" : it->second;
}

// A link inside the console directory could point anywhere (a key, /etc),
// and following one would serve it; so nothing is served through a link.
// The directory itself may be one (an install's choice): it is resolved
// first, and below it a file counts only when resolving its path changes
// nothing, that is when no component of it is a link and it stays inside.
FileMap load(const std::string& dir) {
    FileMap files;
    std::error_code ec;
    if (dir.empty()) return files;
    const fs::path root = fs::canonical(dir, ec);
    if (ec) return files;
    std::uintmax_t total = 0;
    std::size_t links = 0;
    for (auto it = fs::recursive_directory_iterator(root, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code fec;
        auto status = it->symlink_status(fec);
        if (fec) continue;
        if (fs::is_symlink(status)) {
            ++links;  // not followed into, not served
            continue;
        }
        if (!fs::is_regular_file(status)) continue;
        if (fs::canonical(it->path(), fec) != it->path() || fec) continue;
        total += it->file_size(fec);
        if (total > kMaxTotalBytes) {
            log::get("api")->warn("console directory too large, not served dir={}", dir);
            return {};
        }
        std::ifstream in(it->path(), std::ios::binary);
        std::ostringstream body;
        body << in.rdbuf();
        files.emplace(it->path().lexically_relative(root).generic_string(),
                      StaticFile{content_type_of(it->path()), std::move(body).str()});
    }
    if (links > 0)
        log::get("api")->warn("console directory has symbolic links, not served links={} dir={}",
                              links, dir);
    // Without its index the console is not there (not built, or the index
    // is a link).
    if (!files.contains("index.html")) return {};
    return files;
}

// What / says when the console was not built (a build without npm).
Response not_built(const std::string& dir) {
    std::string where = dir.empty() ? "(none configured)" : dir;
    return Response::text(
        200, "text/html; charset=utf-8",
        "<!doctype html><meta charset=utf-8><title>Thingstead</title>"
        "<h1>Thingstead</h1><p>The web console is not built here (looked in " +
            where +
            "). Build it with <code>cmake --build --preset release --target console</code> "
            "(needs Node.js and <code>npm ci</code> in <code>web/</code>) or start the platform "
            "with <code>scripts/start.sh</code>. The REST API is at <a "
            "href=\"/api/v1/openapi.json\">/api/v1</a>.</p>");
}

void add_security_headers(Response& r) {
    // The console talks only to its own origin; no framing, no foreign code.
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'self'; img-src 'self' data: blob:; "
                           "style-src 'self' 'unsafe-inline'; connect-src 'self'; "
                           "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.headers.emplace_back("Referrer-Policy", "no-referrer");
}

Response serve(const FileMap& files, const std::string& dir, const std::string& path) {
    if (path == "api" || path.starts_with("api/"))
        return error_response(not_found("no such resource: /" + path));
    if (files.empty()) return not_built(dir);
    std::string_view name = path.empty() ? "index.html" : std::string_view(path);
    auto it = files.find(name);
    if (it == files.end()) {
        // A one-segment path without an extension ("/devices") is taken for
        // a page of the console and gets its index (pages live in the hash,
        // so this is only a forgiving default). Deeper paths would load the
        // index's relative asset URLs from the wrong folder: 404.
        if (name.find_first_of("./") != std::string_view::npos)
            return error_response(not_found("no such file: /" + path));
        it = files.find("index.html");
    }
    Response r = Response::text(200, it->second.content_type, it->second.body);
    // Vite puts a content hash in every asset's name: they never change.
    bool hashed = it->first.starts_with("assets/");
    r.headers.emplace_back("Cache-Control",
                           hashed ? "public, max-age=31536000, immutable" : "no-cache");
    add_security_headers(r);
    return r;
}

}  // namespace

void add_console_routes(Router& router, const std::string& dir) {
    auto files = std::make_shared<const FileMap>(load(dir));
    if (files->empty())
        log::get("api")->warn("web console not found dir={}", dir.empty() ? "(none)" : dir);
    else
        log::get("api")->info("web console files={} dir={}", files->size(), dir);
    router.add(
        http::verb::get, "/{path=**}",
        [files, dir](const Request& req) { return serve(*files, dir, req.param("path")); },
        Access::Public);
}

}  // namespace ts::api
