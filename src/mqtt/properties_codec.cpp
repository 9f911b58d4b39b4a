// 5.0 property blocks: per-context allowed tables (spec 2.2.2.2) and
// decoding with duplicate and range checks.
#include "mqtt/properties_codec.hpp"

#include <array>

#include "mqtt/codec.hpp"

namespace ts::mqtt::detail {
namespace {

using Id = PropertyId;

constexpr std::uint64_t bit(Id id) {
    return std::uint64_t{1} << static_cast<unsigned>(id);
}

constexpr std::uint64_t kKnown =
    bit(Id::PayloadFormatIndicator) | bit(Id::MessageExpiryInterval) | bit(Id::ContentType) |
    bit(Id::ResponseTopic) | bit(Id::CorrelationData) | bit(Id::SubscriptionIdentifier) |
    bit(Id::SessionExpiryInterval) | bit(Id::AssignedClientIdentifier) | bit(Id::ServerKeepAlive) |
    bit(Id::AuthenticationMethod) | bit(Id::AuthenticationData) |
    bit(Id::RequestProblemInformation) | bit(Id::WillDelayInterval) |
    bit(Id::RequestResponseInformation) | bit(Id::ResponseInformation) | bit(Id::ServerReference) |
    bit(Id::ReasonString) | bit(Id::ReceiveMaximum) | bit(Id::TopicAliasMaximum) |
    bit(Id::TopicAlias) | bit(Id::MaximumQoS) | bit(Id::RetainAvailable) | bit(Id::UserProperty) |
    bit(Id::MaximumPacketSize) | bit(Id::WildcardSubscriptionAvailable) |
    bit(Id::SubscriptionIdentifierAvailable) | bit(Id::SharedSubscriptionAvailable);

constexpr std::uint64_t kAck = bit(Id::ReasonString) | bit(Id::UserProperty);

constexpr std::uint64_t kMessage =
    bit(Id::PayloadFormatIndicator) | bit(Id::MessageExpiryInterval) | bit(Id::ContentType) |
    bit(Id::ResponseTopic) | bit(Id::CorrelationData) | bit(Id::UserProperty);

constexpr std::array<std::uint64_t, 16> kAllowed = [] {
    std::array<std::uint64_t, 16> a{};
    a[0] = kMessage | bit(Id::WillDelayInterval);  // will properties
    a[1] = bit(Id::SessionExpiryInterval) | bit(Id::AuthenticationMethod) |
           bit(Id::AuthenticationData) | bit(Id::RequestProblemInformation) |
           bit(Id::RequestResponseInformation) | bit(Id::ReceiveMaximum) |
           bit(Id::TopicAliasMaximum) | bit(Id::UserProperty) | bit(Id::MaximumPacketSize);
    a[2] = bit(Id::SessionExpiryInterval) | bit(Id::AssignedClientIdentifier) |
           bit(Id::ServerKeepAlive) | bit(Id::AuthenticationMethod) | bit(Id::AuthenticationData) |
           bit(Id::ResponseInformation) | bit(Id::ServerReference) | bit(Id::ReasonString) |
           bit(Id::ReceiveMaximum) | bit(Id::TopicAliasMaximum) | bit(Id::MaximumQoS) |
           bit(Id::RetainAvailable) | bit(Id::UserProperty) | bit(Id::MaximumPacketSize) |
           bit(Id::WildcardSubscriptionAvailable) | bit(Id::SubscriptionIdentifierAvailable) |
           bit(Id::SharedSubscriptionAvailable);
    a[3] = kMessage | bit(Id::SubscriptionIdentifier) | bit(Id::TopicAlias);
    a[4] = a[5] = a[6] = a[7] = kAck;
    a[8] = bit(Id::SubscriptionIdentifier) | bit(Id::UserProperty);
    a[9] = kAck;
    a[10] = bit(Id::UserProperty);
    a[11] = kAck;
    a[14] = bit(Id::SessionExpiryInterval) | bit(Id::ServerReference) | kAck;
    a[15] = bit(Id::AuthenticationMethod) | bit(Id::AuthenticationData) | kAck;
    return a;
}();

constexpr ReasonCode kMalformed = ReasonCode::MalformedPacket;
constexpr ReasonCode kProtocol = ReasonCode::ProtocolError;

// A byte property whose only values are 0 and 1.
bool read_flag(ByteReader& r, std::optional<std::uint8_t>& out) {
    std::uint8_t v = 0;
    if (!r.u8(v)) return false;
    if (v > 1) return r.fail(kProtocol, "property value must be 0 or 1");
    out = v;
    return true;
}

bool read_u16(ByteReader& r, std::optional<std::uint16_t>& out) {
    std::uint16_t v = 0;
    if (!r.u16(v)) return false;
    out = v;
    return true;
}

bool read_u32(ByteReader& r, std::optional<std::uint32_t>& out) {
    std::uint32_t v = 0;
    if (!r.u32(v)) return false;
    out = v;
    return true;
}

bool read_utf8(ByteReader& r, std::optional<std::string>& out) {
    return r.utf8(out.emplace());
}

bool read_binary(ByteReader& r, std::optional<std::string>& out) {
    return r.binary(out.emplace());
}

bool read_one(ByteReader& r, Id id, Properties& p) {
    switch (id) {
        case Id::PayloadFormatIndicator:
            return read_flag(r, p.payload_format_indicator);
        case Id::MessageExpiryInterval:
            return read_u32(r, p.message_expiry_interval);
        case Id::ContentType:
            return read_utf8(r, p.content_type);
        case Id::ResponseTopic:
            if (!read_utf8(r, p.response_topic)) return false;
            if (!is_valid_topic_name(*p.response_topic))
                return r.fail(kProtocol, "response topic is not a valid topic name");
            return true;
        case Id::CorrelationData:
            return read_binary(r, p.correlation_data);
        case Id::SubscriptionIdentifier: {
            std::uint32_t v = 0;
            if (!r.varint(v)) return false;
            if (v == 0) return r.fail(kProtocol, "subscription identifier 0");
            p.subscription_identifiers.push_back(v);
            return true;
        }
        case Id::SessionExpiryInterval:
            return read_u32(r, p.session_expiry_interval);
        case Id::AssignedClientIdentifier:
            return read_utf8(r, p.assigned_client_identifier);
        case Id::ServerKeepAlive:
            return read_u16(r, p.server_keep_alive);
        case Id::AuthenticationMethod:
            return read_utf8(r, p.authentication_method);
        case Id::AuthenticationData:
            return read_binary(r, p.authentication_data);
        case Id::RequestProblemInformation:
            return read_flag(r, p.request_problem_information);
        case Id::WillDelayInterval:
            return read_u32(r, p.will_delay_interval);
        case Id::RequestResponseInformation:
            return read_flag(r, p.request_response_information);
        case Id::ResponseInformation:
            return read_utf8(r, p.response_information);
        case Id::ServerReference:
            return read_utf8(r, p.server_reference);
        case Id::ReasonString:
            return read_utf8(r, p.reason_string);
        case Id::ReceiveMaximum:
            if (!read_u16(r, p.receive_maximum)) return false;
            if (*p.receive_maximum == 0) return r.fail(kProtocol, "receive maximum 0");
            return true;
        case Id::TopicAliasMaximum:
            return read_u16(r, p.topic_alias_maximum);
        case Id::TopicAlias:
            if (!read_u16(r, p.topic_alias)) return false;
            if (*p.topic_alias == 0) return r.fail(ReasonCode::TopicAliasInvalid, "topic alias 0");
            return true;
        case Id::MaximumQoS:
            return read_flag(r, p.maximum_qos);
        case Id::RetainAvailable:
            return read_flag(r, p.retain_available);
        case Id::UserProperty: {
            auto& kv = p.user_properties.emplace_back();
            return r.utf8(kv.first) && r.utf8(kv.second);
        }
        case Id::MaximumPacketSize:
            if (!read_u32(r, p.maximum_packet_size)) return false;
            if (*p.maximum_packet_size == 0) return r.fail(kProtocol, "maximum packet size 0");
            return true;
        case Id::WildcardSubscriptionAvailable:
            return read_flag(r, p.wildcard_subscription_available);
        case Id::SubscriptionIdentifierAvailable:
            return read_flag(r, p.subscription_identifier_available);
        case Id::SharedSubscriptionAvailable:
            return read_flag(r, p.shared_subscription_available);
    }
    return r.fail(kMalformed, "unknown property identifier");
}

bool decode_list(ByteReader& r, PropertyContext ctx, Properties& out) {
    const std::uint64_t ok = allowed_properties(ctx);
    std::uint64_t seen = 0;
    while (!r.empty()) {
        std::uint32_t raw = 0;
        if (!r.varint(raw)) return false;
        if (raw >= 64 || (kKnown & (std::uint64_t{1} << raw)) == 0)
            return r.fail(kMalformed, "unknown property identifier");
        const auto id = static_cast<Id>(raw);
        const std::uint64_t b = bit(id);
        if ((ok & b) == 0) return r.fail(kProtocol, "property not allowed in this packet");
        const bool repeatable = id == Id::UserProperty || (id == Id::SubscriptionIdentifier &&
                                                           ctx == PropertyContext::Publish);
        if ((seen & b) != 0 && !repeatable) return r.fail(kProtocol, "duplicate property");
        seen |= b;
        if (!read_one(r, id, out)) return false;
    }
    if (out.authentication_data && !out.authentication_method)
        return r.fail(kProtocol, "authentication data without authentication method");
    return true;
}

}  // namespace

std::uint64_t allowed_properties(PropertyContext ctx) {
    return kAllowed[static_cast<unsigned>(ctx) & 15u];
}

bool decode_properties(ByteReader& r, PropertyContext ctx, Properties& out) {
    std::uint32_t len = 0;
    if (!r.varint(len)) return false;
    if (len > r.remaining()) return r.fail(kMalformed, "property length exceeds packet");
    if (len == 0) return true;
    ByteReader block = r.take(len);
    if (!decode_list(block, ctx, out)) return r.fail(block.error());
    return true;
}

}  // namespace ts::mqtt::detail
