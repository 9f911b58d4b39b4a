#include "rules/action_secrets.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace ts::rules {

namespace {

using nlohmann::json;

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool is_secret_header(std::string_view name) {
    const std::string n = lower(name);
    if (n == "authorization" || n == "proxy-authorization" || n == "cookie") return true;
    for (const char* part : {"token", "key", "secret", "password"})
        if (n.find(part) != std::string::npos) return true;
    return false;
}

void add_fields(json& action, const std::string& prefix, std::vector<SecretField>& out) {
    if (!action.is_object()) return;
    const auto type = action.find("type");
    if (type == action.end() || !type->is_string()) return;
    const auto& t = type->get_ref<const std::string&>();
    if (t == "webhook") {
        const auto headers = action.find("headers");
        if (headers == action.end() || !headers->is_object()) return;
        for (auto it = headers->begin(); it != headers->end(); ++it)
            if (is_secret_header(it.key()))
                out.push_back({prefix + "/headers/" + it.key(), &it.value()});
    } else if (t == "database" || t == "nats") {
        const char* field = t == "database" ? "connection" : "url";
        const auto it = action.find(field);
        if (it != action.end() && !(it->is_string() && it->get_ref<const std::string&>().empty()))
            out.push_back({prefix + "/" + field, &*it});
    }
}

// "scheme://user:pass@host..." -> "scheme://user:****@host..."; a user info
// without ':' (a token) becomes "****".
std::string mask_url_user_info(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return std::string(url);
    const auto start = scheme_end + 3;
    const auto authority_end = std::min(url.find_first_of("/?#", start), url.size());
    const auto at = url.substr(0, authority_end).rfind('@');
    if (at == std::string_view::npos || at < start) return std::string(url);
    const auto user_info = url.substr(start, at - start);
    const auto colon = user_info.find(':');
    std::string masked =
        colon == std::string_view::npos
            ? std::string(kMaskedSecret)
            : std::string(user_info.substr(0, colon + 1)) + std::string(kMaskedSecret);
    return std::string(url.substr(0, start)) + masked + std::string(url.substr(at));
}

// Every "password=value" (keyword strings, URL query parameters) masked; a
// quoted value ('...') is masked to its closing quote.
std::string mask_password_keywords(std::string_view s) {
    std::string out;
    const std::string low = lower(s);
    std::size_t pos = 0;
    for (std::size_t hit; (hit = low.find("password", pos)) != std::string::npos;) {
        std::size_t i = hit + 8;
        while (i < s.size() && s[i] == ' ') ++i;
        if (i >= s.size() || s[i] != '=') {
            out.append(s.substr(pos, hit + 8 - pos));
            pos = hit + 8;
            continue;
        }
        ++i;
        while (i < s.size() && s[i] == ' ') ++i;
        out.append(s.substr(pos, i - pos));
        std::size_t end = i;
        if (end < s.size() && s[end] == '\'') {
            for (++end; end < s.size() && s[end] != '\''; ++end)
                if (s[end] == '\\') ++end;
            end = std::min(end + 1, s.size());
        } else {
            while (end < s.size() && s[end] != ' ' && s[end] != '&' && s[end] != '\t') ++end;
        }
        out.append(kMaskedSecret);
        pos = end;
    }
    out.append(s.substr(pos));
    return out;
}

std::string mask_connection(std::string_view value) {
    // A NATS cluster is a comma-separated list of URLs.
    std::string out;
    std::size_t pos = 0;
    for (;;) {
        const auto comma = value.find(',', pos);
        out += mask_url_user_info(value.substr(pos, comma - pos));
        if (comma == std::string_view::npos) break;
        out += ',';
        pos = comma + 1;
    }
    return mask_password_keywords(out);
}

std::vector<SecretField> fields_of(json& j, std::string_view where) {
    return secret_fields(j, where);
}

}  // namespace

std::vector<SecretField> secret_fields(json& actions, std::string_view where) {
    std::vector<SecretField> out;
    if (actions.is_array()) {
        for (std::size_t i = 0; i < actions.size(); ++i)
            add_fields(actions[i], std::string(where) + "/" + std::to_string(i), out);
    } else {
        add_fields(actions, std::string(where), out);
    }
    return out;
}

std::string mask_secret(std::string_view location, std::string_view value) {
    if (location.find("/headers/") != std::string_view::npos) return std::string(kMaskedSecret);
    return mask_connection(value);
}

json mask_secrets(json actions, std::string_view where) {
    for (auto& f : secret_fields(actions, where))
        if (f.value->is_string())
            *f.value = mask_secret(f.location, f.value->get_ref<const std::string&>());
        else
            *f.value = std::string(kMaskedSecret);  // sealed: never shown
    return actions;
}

void keep_masked_secrets(json& next, json prev, std::string_view where) {
    std::map<std::string, const json*> before;
    auto prev_fields = fields_of(prev, where);
    for (const auto& f : prev_fields) before[f.location] = f.value;
    for (auto& f : secret_fields(next, where)) {
        const auto it = before.find(f.location);
        if (it == before.end() || !f.value->is_string() || !it->second->is_string()) continue;
        const auto& old_value = it->second->get_ref<const std::string&>();
        if (f.value->get_ref<const std::string&>() == mask_secret(f.location, old_value))
            *f.value = old_value;
    }
}

}  // namespace ts::rules
