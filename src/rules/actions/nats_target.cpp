// NATS action: the row as JSON, published on a subject. With JetStream (the
// default) the send waits for the stream's PubAck, so a row counts as
// delivered only once the server has stored it; a lost ack is retried, and
// the Nats-Msg-Id header lets the stream drop the duplicate that may cause.
// Without JetStream it is a core publish plus a flush: the server got it,
// nobody promises a subscriber did.
#include <nats/nats.h>

#include <cstdint>
#include <string_view>

#include <fmt/format.h>

#include "rules/actions/action_configs.hpp"
#include "rules/actions/action_fields.hpp"
#include "rules/actions/item_view.hpp"
#include "rules/sql/query.hpp"

namespace ts::rules::actions {

namespace {

// Subjects are dot-separated tokens; wildcards make sense only to
// subscribers, so a publish subject has none.
std::string_view subject_problem(std::string_view s) {
    if (s.empty()) return "is empty";
    if (s.find_first_of(" \t\r\n*>") != std::string_view::npos)
        return "may not contain spaces or wildcards (* >)";
    if (s.front() == '.' || s.back() == '.' || s.find("..") != std::string_view::npos)
        return "may not have empty tokens (a..b)";
    return {};
}

// The library's last error on this thread says more than the status (the
// server's text for a JetStream error); it starts with a "(file.c:123): "
// location that means nothing to a user.
std::string status_text(natsStatus s) {
    std::string text = natsStatus_GetText(s);
    const char* last = nats_GetLastError(nullptr);
    std::string_view detail = last != nullptr ? last : "";
    if (detail.starts_with('('))
        if (const auto end = detail.find("): "); end != std::string_view::npos)
            detail.remove_prefix(end + 3);
    if (!detail.empty() && detail != text) text += ": " + std::string(detail);
    return text;
}

// Errors the stream can recover from by itself (leader election, storage
// freed by consumers); the others will fail the same way again.
bool retryable_js_error(jsErrCode e) {
    return e == JSClusterNotAvailErr || e == JSClusterNotLeaderErr || e == JSRaftGeneralErr ||
           e == JSInsufficientResourcesErr || e == JSMemoryResourcesExceededErr ||
           e == JSStorageResourcesExceededErr || e == JSStreamStoreFailedErr;
}

// Same message, same subject, same row: same id, also across restarts.
std::string msg_id(const ActionItem& item, std::string_view subject, std::string_view body) {
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a
    auto mix = [&h](std::string_view s) {
        for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    };
    mix(subject);
    mix("\n");
    mix(body);
    return fmt::format("{}-{:016x}", item.message_id, h);
}

class NatsTarget final : public Target {
public:
    NatsTarget(NatsConfig c, Template subject)
        : config_(std::move(c)), subject_(std::move(subject)) {}
    ~NatsTarget() override { disconnect(); }
    NatsTarget(const NatsTarget&) = delete;
    NatsTarget& operator=(const NatsTarget&) = delete;

    Expected<void, SendError> send(const ActionItem& item) override {
        auto subject = subject_.render(item.row, message_view(item));
        if (!subject) return unexpected(SendError{"subject: " + subject.error(), false});
        if (auto p = subject_problem(*subject); !p.empty())
            return unexpected(SendError{"subject \"" + *subject + "\" " + std::string(p), false});
        // The client reconnects by itself while it can; a connection it has
        // given up on (or never made) is replaced here.
        if (conn_ == nullptr || natsConnection_IsClosed(conn_))
            if (auto ok = connect(); !ok) return ok;
        const std::string body = row_json(item.row);
        return config_.jetstream ? publish_js(item, *subject, body) : publish_core(*subject, body);
    }

private:
    Expected<void, SendError> connect() {
        disconnect();
        natsOptions* opts = nullptr;
        natsStatus s = natsOptions_Create(&opts);
        if (s == NATS_OK) s = natsOptions_SetURL(opts, config_.url.c_str());
        if (s == NATS_OK) s = natsOptions_SetTimeout(opts, config_.timeout_ms);
        if (s == NATS_OK) s = natsOptions_SetName(opts, "thingstead-rules");
        // Keep reconnecting forever: the action's own retries decide when a
        // row is given up, not the client library.
        if (s == NATS_OK) s = natsOptions_SetMaxReconnect(opts, -1);
        if (s == NATS_OK) s = natsConnection_Connect(&conn_, opts);
        natsOptions_Destroy(opts);
        if (s == NATS_OK && config_.jetstream) {
            jsOptions jo;
            jsOptions_Init(&jo);
            jo.Wait = config_.timeout_ms;
            s = natsConnection_JetStream(&js_, conn_, &jo);
        }
        if (s != NATS_OK) {
            auto reason = "NATS: cannot connect: " + status_text(s);
            disconnect();
            return unexpected(SendError{std::move(reason), true});
        }
        return {};
    }

    void disconnect() {
        if (js_ != nullptr) jsCtx_Destroy(js_);
        js_ = nullptr;
        if (conn_ != nullptr) natsConnection_Destroy(conn_);
        conn_ = nullptr;
    }

    Expected<void, SendError> publish_js(const ActionItem& item, const std::string& subject,
                                         const std::string& body) {
        jsPubOptions po;
        jsPubOptions_Init(&po);
        po.MaxWait = config_.timeout_ms;
        const std::string id =
            item.message_id.empty() ? std::string() : msg_id(item, subject, body);
        if (!id.empty()) po.MsgId = id.c_str();
        jsPubAck* ack = nullptr;
        jsErrCode jerr = static_cast<jsErrCode>(0);
        const natsStatus s = js_Publish(&ack, js_, subject.c_str(), body.data(),
                                        static_cast<int>(body.size()), &po, &jerr);
        jsPubAck_Destroy(ack);
        if (s == NATS_OK) return {};
        if (s == NATS_NO_RESPONDERS)
            return unexpected(
                SendError{"NATS: no JetStream stream stores subject \"" + subject + "\"", false});
        if (jerr != 0)
            return unexpected(SendError{
                fmt::format("NATS JetStream error {}: {}", static_cast<int>(jerr), status_text(s)),
                retryable_js_error(jerr)});
        return unexpected(
            SendError{"NATS: publish to \"" + subject + "\": " + status_text(s), true});
    }

    Expected<void, SendError> publish_core(const std::string& subject, const std::string& body) {
        natsStatus s = natsConnection_Publish(conn_, subject.c_str(), body.data(),
                                              static_cast<int>(body.size()));
        if (s == NATS_OK) s = natsConnection_FlushTimeout(conn_, config_.timeout_ms);
        if (s == NATS_OK) return {};
        // Too large for the server can never pass.
        const bool retryable = s != NATS_MAX_PAYLOAD;
        return unexpected(
            SendError{"NATS: publish to \"" + subject + "\": " + status_text(s), retryable});
    }

    NatsConfig config_;
    Template subject_;
    natsConnection* conn_ = nullptr;
    jsCtx* js_ = nullptr;
};

Expected<void, std::string> check_urls(const std::string& urls, const std::string& path) {
    std::string_view rest = urls;
    while (true) {
        const auto comma = rest.find(',');
        auto one = rest.substr(0, comma);
        while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
        while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
        const bool scheme = one.starts_with("nats://") || one.starts_with("tls://");
        if (!scheme || one.size() <= one.find("://") + 3 ||
            one.find("${") != std::string_view::npos)
            return field_error(path, "must be a nats:// or tls:// URL");
        if (comma == std::string_view::npos) return {};
        rest.remove_prefix(comma + 1);
    }
}

}  // namespace

Expected<NatsConfig, std::string> parse_nats(const json& j, const std::string& where) {
    if (auto ok = check_known_fields(j, where,
                                     {"type", "retry", "queueLimit", "overflow", "url", "subject",
                                      "jetstream", "timeoutMs"});
        !ok)
        return unexpected(ok.error());
    NatsConfig c;
    const auto url_path = field_path(where, "url");
    auto url = optional_string(j, "url", where);
    if (!url || !*url) return field_error(url_path, "must be a nats:// or tls:// URL");
    if (auto ok = check_urls(**url, url_path); !ok) return unexpected(ok.error());
    c.url = std::move(**url);
    auto subject = required_string(j, "subject", where);
    if (!subject) return unexpected(subject.error());
    c.subject = std::move(*subject);
    const auto subject_path = field_path(where, "subject");
    auto compiled = Template::compile(c.subject);
    if (!compiled) return field_error(subject_path, compiled.error().to_string());
    if (!compiled->has_holes())
        if (auto p = subject_problem(c.subject); !p.empty()) return field_error(subject_path, p);
    auto js = optional_bool(j, "jetstream", where);
    if (!js) return unexpected(js.error());
    if (*js) c.jetstream = **js;
    auto timeout = optional_int(j, "timeoutMs", where, 1, 300'000);
    if (!timeout) return unexpected(timeout.error());
    if (*timeout) c.timeout_ms = **timeout;
    return c;
}

Expected<std::unique_ptr<Target>, std::string> make_nats_target(NatsConfig c) {
    auto subject = Template::compile(c.subject);
    if (!subject) return unexpected("subject: " + subject.error().to_string());
    return std::unique_ptr<Target>(std::make_unique<NatsTarget>(std::move(c), std::move(*subject)));
}

}  // namespace ts::rules::actions
