// Functions that read the message rather than its payload: deviceName(),
// topic(n), timestamp(format), payload(), newuuid(), ...
#include <array>
#include <random>

#include "rules/sql/functions.hpp"
#include "rules/sql/time_format.hpp"
#include "rules/sql/utf8.hpp"

namespace ts::rules::sql {

namespace {

// Message facts come from the network; keep the row valid UTF-8.
Value text(std::string_view s) {
    if (find_invalid_utf8(s) == std::string_view::npos) return Value::own(std::string(s));
    return Value::own(repair_utf8(s));
}

Result device_name(const CallContext& ctx, std::span<const Value>) {
    return text(ctx.message.device_name);
}
Result product_key(const CallContext& ctx, std::span<const Value>) {
    return text(ctx.message.product_key);
}
Result client_ip(const CallContext& ctx, std::span<const Value>) {
    return text(ctx.message.client_ip);
}
Result message_id(const CallContext& ctx, std::span<const Value>) {
    return text(ctx.message.message_id);
}

// topic(n): the n-th level, 1-based, skipping the empty level before a
// leading slash as Alibaba's rules engine does: topic(1) of
// "/pk/dn/thing/event/property/post" is "pk". NULL past the last level.
Result topic(const CallContext& ctx, std::span<const Value> args) {
    std::string_view t = ctx.message.topic;
    if (args.empty()) return text(t);
    if (args[0].is_null()) return null_value();
    const auto n = as_number(args[0].get());
    if (!n || !n->is_integer || n->i < 1)
        return unexpected(std::string("topic(n) needs a level number of 1 or more"));
    if (!t.empty() && t.front() == '/') t.remove_prefix(1);
    std::int64_t level = 1;
    std::size_t start = 0;
    for (;;) {
        const std::size_t slash = t.find('/', start);
        if (level == n->i) return text(t.substr(start, slash == t.npos ? t.npos : slash - start));
        if (slash == t.npos) return null_value();
        start = slash + 1;
        ++level;
    }
}

// timestamp(): epoch milliseconds; timestamp('yyyy-MM-dd'): UTC text.
Result timestamp(const CallContext& ctx, std::span<const Value> args) {
    if (args.empty()) return Value::own(ctx.message.timestamp_ms);
    if (args[0].is_null()) return null_value();
    if (!args[0]->is_string())
        return unexpected(std::string("timestamp(format) needs a format string, found ") +
                          type_name(args[0].get()));
    return Value::own(format_utc(ctx.message.timestamp_ms, args[0]->get_ref<const std::string&>()));
}

// payload(): the raw payload as text; payload('json'): the parsed payload.
Result payload(const CallContext& ctx, std::span<const Value> args) {
    if (args.empty()) return text(ctx.message.payload);
    if (!args[0]->is_string() || args[0]->get_ref<const std::string&>() != "json")
        return unexpected(std::string("payload() takes no argument or 'json'"));
    if (ctx.message.json == nullptr) return null_value();
    return Value::borrow(*ctx.message.json);
}

// A random (version 4) UUID.
Result new_uuid(const CallContext&, std::span<const Value>) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    const std::uint64_t hi = (rng() & ~0xF000ULL) | 0x4000ULL;        // version 4
    const std::uint64_t lo = (rng() & ~(3ULL << 62)) | (2ULL << 62);  // variant 10
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s;
    s.reserve(36);
    for (int i = 15; i >= 0; --i) {
        const std::uint64_t word = i >= 8 ? hi : lo;
        const int shift = (i % 8) * 8;
        const auto byte = static_cast<unsigned>((word >> shift) & 0xFF);
        s += kHex[byte >> 4];
        s += kHex[byte & 0xF];
        if (i == 12 || i == 10 || i == 8 || i == 6) s += '-';
    }
    return Value::own(std::move(s));
}

constexpr std::array kFunctions{
    FunctionSpec{"deviceName", 0, 0, ArgCheck::any, StaticType::string, device_name},
    FunctionSpec{"productKey", 0, 0, ArgCheck::any, StaticType::string, product_key},
    FunctionSpec{"clientIp", 0, 0, ArgCheck::any, StaticType::string, client_ip},
    FunctionSpec{"messageId", 0, 0, ArgCheck::any, StaticType::string, message_id},
    FunctionSpec{"topic", 0, 1, ArgCheck::numbers, StaticType::string, topic},
    FunctionSpec{"timestamp", 0, 1, ArgCheck::any, StaticType::any, timestamp},
    FunctionSpec{"payload", 0, 1, ArgCheck::any, StaticType::any, payload},
    FunctionSpec{"newuuid", 0, 0, ArgCheck::any, StaticType::string, new_uuid},
};

}  // namespace

std::span<const FunctionSpec> message_functions() {
    return kFunctions;
}

}  // namespace ts::rules::sql
