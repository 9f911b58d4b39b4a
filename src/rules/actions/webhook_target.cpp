// Webhook: the row as a JSON body, POSTed to the user's URL. The status
// decides what happens next: 2xx delivered; 408, 429 and 5xx (the server is
// busy or failing) and transport errors are tried again; any other status
// means the request itself is wrong, so retrying would only repeat it.
#include <algorithm>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>

#include "rules/actions/action_configs.hpp"
#include "rules/actions/action_fields.hpp"
#include "rules/actions/http_connection.hpp"
#include "rules/actions/item_view.hpp"
#include "rules/sql/query.hpp"

namespace ts::rules::actions {

namespace http = boost::beast::http;

namespace {

constexpr std::size_t kReasonBodyBytes = 200;

bool is_token(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    });
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool retryable_status(unsigned status) {
    return status == 408 || status == 429 || status >= 500;
}

class WebhookTarget final : public Target {
public:
    WebhookTarget(WebhookConfig c, Template target)
        : config_(std::move(c)), target_(std::move(target)), conn_(config_.url, config_.insecure) {}

    Expected<void, SendError> send(const ActionItem& item) override {
        auto rendered = target_.render(item.row, message_view(item), encode_url_value);
        if (!rendered) return unexpected(SendError{"url: " + rendered.error(), false});
        HttpConnection::Request req{http::verb::post, encode_request_target(*rendered), 11};
        req.set(http::field::content_type, "application/json");
        req.set(http::field::user_agent, "thingstead-rules");
        for (const auto& [name, value] : config_.headers) req.set(name, value);
        req.body() = row_json(item.row);
        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.timeout_ms);
        auto reply = conn_.exchange(req, deadline);
        if (!reply) return unexpected(SendError{reply.error().reason, reply.error().retryable});
        if (reply->status >= 200 && reply->status < 300) return {};
        std::string reason = "HTTP " + std::to_string(reply->status);
        if (!reply->body.empty()) reason += ": " + reply->body.substr(0, kReasonBodyBytes);
        return unexpected(SendError{std::move(reason), retryable_status(reply->status)});
    }

private:
    WebhookConfig config_;
    Template target_;
    HttpConnection conn_;
};

Expected<std::vector<std::pair<std::string, std::string>>, std::string> parse_headers(
    const json& j, const std::string& where) {
    std::vector<std::pair<std::string, std::string>> out;
    const auto it = j.find("headers");
    if (it == j.end()) return out;
    const auto path = field_path(where, "headers");
    if (!it->is_object()) return field_error(path, "must be an object of strings");
    for (const auto& [name, value] : it->items()) {
        const auto hpath = field_path(path, name);
        if (!is_token(name)) return field_error(hpath, "is not a valid header name");
        // The connection owns framing; letting these through would corrupt it.
        for (const char* managed : {"content-length", "transfer-encoding", "connection", "host"})
            if (iequals(name, managed)) return field_error(hpath, "is set by the platform");
        if (!value.is_string()) return field_error(hpath, "must be a string");
        const auto& v = value.get_ref<const std::string&>();
        if (v.find_first_of("\r\n") != std::string::npos || v.find('\0') != std::string::npos)
            return field_error(hpath, "may not contain line breaks or NUL");
        out.emplace_back(name, v);
    }
    return out;
}

}  // namespace

Expected<WebhookConfig, std::string> parse_webhook(const json& j, const std::string& where) {
    if (auto ok = check_known_fields(
            j, where,
            {"type", "retry", "queueLimit", "overflow", "url", "headers", "timeoutMs", "insecure"});
        !ok)
        return unexpected(ok.error());
    WebhookConfig c;
    const auto url_path = field_path(where, "url");
    auto url_text = optional_string(j, "url", where);
    if (!url_text || !*url_text) return field_error(url_path, "must be an http:// or https:// URL");
    auto url = parse_http_url(**url_text);
    if (!url) return field_error(url_path, url.error());
    c.url = std::move(*url);
    if (auto ok = check_template(c.url.target, url_path); !ok) return unexpected(ok.error());
    auto headers = parse_headers(j, where);
    if (!headers) return unexpected(headers.error());
    c.headers = std::move(*headers);
    auto timeout = optional_int(j, "timeoutMs", where, 1, 300'000);
    if (!timeout) return unexpected(timeout.error());
    if (*timeout) c.timeout_ms = **timeout;
    auto insecure = optional_bool(j, "insecure", where);
    if (!insecure) return unexpected(insecure.error());
    if (*insecure) c.insecure = **insecure;
    if (c.insecure && !c.url.tls)
        return field_error(field_path(where, "insecure"), "applies to https:// URLs only");
    return c;
}

Expected<std::unique_ptr<Target>, std::string> make_webhook_target(WebhookConfig c) {
    auto target = Template::compile(c.url.target);
    if (!target) return unexpected("url: " + target.error().to_string());
    try {  // the TLS context can throw when OpenSSL is out of memory
        return std::unique_ptr<Target>(
            std::make_unique<WebhookTarget>(std::move(c), std::move(*target)));
    } catch (const std::exception& e) {
        return unexpected(std::string("webhook: ") + e.what());
    }
}

}  // namespace ts::rules::actions
