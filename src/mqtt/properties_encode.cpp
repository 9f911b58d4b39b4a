// 5.0 property blocks: encoding in identifier order, skipping properties not
// allowed in the packet.
#include "mqtt/properties_codec.hpp"

namespace ts::mqtt::detail {
namespace {

using Id = PropertyId;

constexpr std::uint64_t bit(Id id) {
    return std::uint64_t{1} << static_cast<unsigned>(id);
}

template <typename W>
void write_list(W& w, const Properties& p, std::uint64_t ok) {
    auto has = [ok](Id id) { return (ok & bit(id)) != 0; };
    auto byte = [&](Id id, const std::optional<std::uint8_t>& v) {
        if (v && has(id)) {
            w.u8(static_cast<std::uint8_t>(id));
            w.u8(*v);
        }
    };
    auto two = [&](Id id, const std::optional<std::uint16_t>& v) {
        if (v && has(id)) {
            w.u8(static_cast<std::uint8_t>(id));
            w.u16(*v);
        }
    };
    auto four = [&](Id id, const std::optional<std::uint32_t>& v) {
        if (v && has(id)) {
            w.u8(static_cast<std::uint8_t>(id));
            w.u32(*v);
        }
    };
    auto str = [&](Id id, const std::optional<std::string>& v) {
        if (v && has(id)) {
            w.u8(static_cast<std::uint8_t>(id));
            w.str(*v);
        }
    };
    byte(Id::PayloadFormatIndicator, p.payload_format_indicator);
    four(Id::MessageExpiryInterval, p.message_expiry_interval);
    str(Id::ContentType, p.content_type);
    str(Id::ResponseTopic, p.response_topic);
    str(Id::CorrelationData, p.correlation_data);
    if (has(Id::SubscriptionIdentifier)) {
        for (std::uint32_t id : p.subscription_identifiers) {
            w.u8(static_cast<std::uint8_t>(Id::SubscriptionIdentifier));
            w.varint(id);
        }
    }
    four(Id::SessionExpiryInterval, p.session_expiry_interval);
    str(Id::AssignedClientIdentifier, p.assigned_client_identifier);
    two(Id::ServerKeepAlive, p.server_keep_alive);
    str(Id::AuthenticationMethod, p.authentication_method);
    str(Id::AuthenticationData, p.authentication_data);
    byte(Id::RequestProblemInformation, p.request_problem_information);
    four(Id::WillDelayInterval, p.will_delay_interval);
    byte(Id::RequestResponseInformation, p.request_response_information);
    str(Id::ResponseInformation, p.response_information);
    str(Id::ServerReference, p.server_reference);
    str(Id::ReasonString, p.reason_string);
    two(Id::ReceiveMaximum, p.receive_maximum);
    two(Id::TopicAliasMaximum, p.topic_alias_maximum);
    two(Id::TopicAlias, p.topic_alias);
    byte(Id::MaximumQoS, p.maximum_qos);
    byte(Id::RetainAvailable, p.retain_available);
    if (has(Id::UserProperty)) {
        for (const auto& [k, v] : p.user_properties) {
            w.u8(static_cast<std::uint8_t>(Id::UserProperty));
            w.str(k);
            w.str(v);
        }
    }
    four(Id::MaximumPacketSize, p.maximum_packet_size);
    byte(Id::WildcardSubscriptionAvailable, p.wildcard_subscription_available);
    byte(Id::SubscriptionIdentifierAvailable, p.subscription_identifier_available);
    byte(Id::SharedSubscriptionAvailable, p.shared_subscription_available);
}

// Fast check for the common case of no properties at all.
bool is_empty(const Properties& p) {
    return !p.payload_format_indicator && !p.message_expiry_interval && !p.content_type &&
           !p.response_topic && !p.correlation_data && p.subscription_identifiers.empty() &&
           !p.session_expiry_interval && !p.assigned_client_identifier && !p.server_keep_alive &&
           !p.authentication_method && !p.authentication_data && !p.request_problem_information &&
           !p.will_delay_interval && !p.request_response_information && !p.response_information &&
           !p.server_reference && !p.reason_string && !p.receive_maximum &&
           !p.topic_alias_maximum && !p.topic_alias && !p.maximum_qos && !p.retain_available &&
           p.user_properties.empty() && !p.maximum_packet_size &&
           !p.wildcard_subscription_available && !p.subscription_identifier_available &&
           !p.shared_subscription_available;
}

template <typename W>
void write_block(W& w, const Properties& p, PropertyContext ctx) {
    if (is_empty(p)) {
        w.u8(0);
        return;
    }
    const std::uint64_t ok = allowed_properties(ctx);
    SizeCounter c;
    write_list(c, p, ok);
    w.varint(static_cast<std::uint32_t>(c.size()));
    write_list(w, p, ok);
}

}  // namespace

void encode_properties(VecWriter& w, const Properties& p, PropertyContext ctx) {
    write_block(w, p, ctx);
}

void encode_properties(SizeCounter& w, const Properties& p, PropertyContext ctx) {
    write_block(w, p, ctx);
}

bool has_properties(const Properties& p, PropertyContext ctx) {
    if (is_empty(p)) return false;
    SizeCounter c;
    write_list(c, p, allowed_properties(ctx));
    return c.size() != 0;
}

}  // namespace ts::mqtt::detail
