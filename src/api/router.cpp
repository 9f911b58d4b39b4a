#include "api/router.hpp"

#include <algorithm>
#include <cassert>
#include <optional>

namespace ts::api {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    if (path.empty() || path.front() != '/') return out;
    path.remove_prefix(1);
    for (;;) {
        auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::optional<std::string> url_decode(std::string_view s, bool plus_is_space) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= s.size()) return std::nullopt;
            int hi = hex_value(s[i + 1]);
            int lo = hex_value(s[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::optional<std::map<std::string, std::string>> parse_query(std::string_view query) {
    std::map<std::string, std::string> out;
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) continue;
        auto eq = pair.find('=');
        auto key = url_decode(pair.substr(0, eq), true);
        auto value = url_decode(
            eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
        if (!key || !value) return std::nullopt;
        out.emplace(std::move(*key), std::move(*value));
    }
    return out;
}

void Router::add(boost::beast::http::verb method, std::string pattern, Handler handler,
                 Access access) {
    Compiled c;
    auto raw = split_path(pattern);
    bool ok = !raw.empty();
    for (std::size_t i = 0; ok && i < raw.size(); ++i) {
        std::string_view seg = raw[i];
        if (i + 1 == raw.size()) {
            // The verb is the text after a ':' that follows the segment proper.
            auto close = seg.rfind('}');
            auto colon = seg.find(':', close == std::string_view::npos ? 0 : close);
            if (colon != std::string_view::npos) {
                c.verb = std::string(seg.substr(colon + 1));
                seg = seg.substr(0, colon);
                ok = !c.verb.empty();
            }
        }
        if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
            std::string_view name = seg.substr(1, seg.size() - 2);
            bool rest = name.size() > 3 && name.substr(name.size() - 3) == "=**";
            if (rest) {
                name.remove_suffix(3);
                ok = ok && i + 1 == raw.size() && c.verb.empty();
            }
            ok = ok && !name.empty();
            c.segments.push_back(
                {rest ? Segment::Kind::Rest : Segment::Kind::Variable, std::string(name)});
        } else {
            ok = ok && !seg.empty() && seg.find_first_of("{}") == std::string_view::npos;
            c.segments.push_back({Segment::Kind::Literal, std::string(seg)});
        }
    }
    assert(ok && "malformed route pattern");
    if (!ok) return;
    routes_.push_back(Route{method, std::move(pattern), access, std::move(handler)});
    compiled_.push_back(std::move(c));
}

RouteMatch Router::match(boost::beast::http::verb method, std::string_view path) const {
    RouteMatch result;
    auto raw = split_path(path);  // "/" is one empty segment: only a {rest=**} route takes it
    if (raw.empty()) return result;
    std::vector<std::string> decoded;
    decoded.reserve(raw.size());
    for (auto seg : raw) {
        auto d = url_decode(seg, false);
        if (!d) {
            result.kind = RouteMatch::Kind::BadPath;
            return result;
        }
        decoded.push_back(std::move(*d));
    }

    int best_score = -1;
    for (std::size_t r = 0; r < routes_.size(); ++r) {
        const Compiled& c = compiled_[r];
        const auto& segs = c.segments;
        bool rest = segs.back().kind == Segment::Kind::Rest;
        if (rest ? raw.size() < segs.size() - 1 : raw.size() != segs.size()) continue;

        std::map<std::string, std::string> params;
        int literals = 0;
        bool ok = true;
        auto match_one = [&](const Segment& s, const std::string& value) {
            if (s.kind == Segment::Kind::Literal) {
                ++literals;
                return value == s.text;
            }
            if (value.empty()) return false;
            params[s.text] = value;
            return true;
        };
        const std::size_t fixed = segs.size() - 1;  // the last segment is special
        for (std::size_t i = 0; ok && i < fixed; ++i) ok = match_one(segs[i], decoded[i]);
        if (!ok) continue;

        if (rest) {
            std::string tail;
            for (std::size_t i = fixed; i < decoded.size(); ++i) {
                if (i > fixed) tail += '/';
                tail += decoded[i];
            }
            params[segs.back().text] = std::move(tail);
        } else if (!c.verb.empty()) {
            std::string_view last = raw.back();
            if (last.size() <= c.verb.size() + 1 ||
                last.substr(last.size() - c.verb.size()) != c.verb ||
                last[last.size() - c.verb.size() - 1] != ':')
                continue;
            auto head = url_decode(last.substr(0, last.size() - c.verb.size() - 1), false);
            if (!head || !match_one(segs.back(), *head)) continue;
        } else if (!match_one(segs.back(), decoded.back())) {
            continue;
        }

        const Route& route = routes_[r];
        // A catch-all (the console's files) takes any path for its method but
        // does not make every other method "not allowed" everywhere.
        if (route.method != method && rest) continue;
        if (route.method != method) {
            if (std::find(result.allow.begin(), result.allow.end(), route.method) ==
                result.allow.end())
                result.allow.push_back(route.method);
            continue;
        }
        int score = literals * 2 + (c.verb.empty() ? 0 : 1) + (rest ? 0 : 1);
        if (score > best_score) {
            best_score = score;
            result.route = &route;
            result.params = std::move(params);
        }
    }
    if (result.route) {
        result.kind = RouteMatch::Kind::Found;
        result.allow.clear();
    } else if (!result.allow.empty()) {
        result.kind = RouteMatch::Kind::MethodNotAllowed;
    }
    return result;
}

}  // namespace ts::api
