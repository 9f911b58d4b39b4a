// Reason code names, the 3.1.1 CONNACK mapping, and which reason codes each
// 5.0 packet type may carry (spec 2.4 and each packet's reason code table).
#include "mqtt/reason_code.hpp"

#include "mqtt/decode_internal.hpp"

namespace ts::mqtt {

ConnectReturnCode311 to_311_connack(ReasonCode rc) {
    switch (rc) {
        case ReasonCode::Success:
            return ConnectReturnCode311::Accepted;
        case ReasonCode::UnsupportedProtocolVersion:
            return ConnectReturnCode311::UnacceptableProtocolVersion;
        case ReasonCode::ClientIdentifierNotValid:
            return ConnectReturnCode311::IdentifierRejected;
        case ReasonCode::BadUserNameOrPassword:
        case ReasonCode::BadAuthenticationMethod:
            return ConnectReturnCode311::BadUserNameOrPassword;
        case ReasonCode::NotAuthorized:
        case ReasonCode::Banned:
            return ConnectReturnCode311::NotAuthorized;
        default:
            return ConnectReturnCode311::ServerUnavailable;
    }
}

std::string_view to_string(ReasonCode rc) {
    switch (rc) {
        case ReasonCode::Success:
            return "Success";
        case ReasonCode::GrantedQoS1:
            return "Granted QoS 1";
        case ReasonCode::GrantedQoS2:
            return "Granted QoS 2";
        case ReasonCode::DisconnectWithWillMessage:
            return "Disconnect with Will Message";
        case ReasonCode::NoMatchingSubscribers:
            return "No matching subscribers";
        case ReasonCode::NoSubscriptionExisted:
            return "No subscription existed";
        case ReasonCode::ContinueAuthentication:
            return "Continue authentication";
        case ReasonCode::ReAuthenticate:
            return "Re-authenticate";
        case ReasonCode::UnspecifiedError:
            return "Unspecified error";
        case ReasonCode::MalformedPacket:
            return "Malformed Packet";
        case ReasonCode::ProtocolError:
            return "Protocol Error";
        case ReasonCode::ImplementationSpecificError:
            return "Implementation specific error";
        case ReasonCode::UnsupportedProtocolVersion:
            return "Unsupported Protocol Version";
        case ReasonCode::ClientIdentifierNotValid:
            return "Client Identifier not valid";
        case ReasonCode::BadUserNameOrPassword:
            return "Bad User Name or Password";
        case ReasonCode::NotAuthorized:
            return "Not authorized";
        case ReasonCode::ServerUnavailable:
            return "Server unavailable";
        case ReasonCode::ServerBusy:
            return "Server busy";
        case ReasonCode::Banned:
            return "Banned";
        case ReasonCode::ServerShuttingDown:
            return "Server shutting down";
        case ReasonCode::BadAuthenticationMethod:
            return "Bad authentication method";
        case ReasonCode::KeepAliveTimeout:
            return "Keep Alive timeout";
        case ReasonCode::SessionTakenOver:
            return "Session taken over";
        case ReasonCode::TopicFilterInvalid:
            return "Topic Filter invalid";
        case ReasonCode::TopicNameInvalid:
            return "Topic Name invalid";
        case ReasonCode::PacketIdentifierInUse:
            return "Packet Identifier in use";
        case ReasonCode::PacketIdentifierNotFound:
            return "Packet Identifier not found";
        case ReasonCode::ReceiveMaximumExceeded:
            return "Receive Maximum exceeded";
        case ReasonCode::TopicAliasInvalid:
            return "Topic Alias invalid";
        case ReasonCode::PacketTooLarge:
            return "Packet too large";
        case ReasonCode::MessageRateTooHigh:
            return "Message rate too high";
        case ReasonCode::QuotaExceeded:
            return "Quota exceeded";
        case ReasonCode::AdministrativeAction:
            return "Administrative action";
        case ReasonCode::PayloadFormatInvalid:
            return "Payload format invalid";
        case ReasonCode::RetainNotSupported:
            return "Retain not supported";
        case ReasonCode::QoSNotSupported:
            return "QoS not supported";
        case ReasonCode::UseAnotherServer:
            return "Use another server";
        case ReasonCode::ServerMoved:
            return "Server moved";
        case ReasonCode::SharedSubscriptionsNotSupported:
            return "Shared Subscriptions not supported";
        case ReasonCode::ConnectionRateExceeded:
            return "Connection rate exceeded";
        case ReasonCode::MaximumConnectTime:
            return "Maximum connect time";
        case ReasonCode::SubscriptionIdentifiersNotSupported:
            return "Subscription Identifiers not supported";
        case ReasonCode::WildcardSubscriptionsNotSupported:
            return "Wildcard Subscriptions not supported";
    }
    return "Unknown reason code";
}

namespace detail {

namespace {

template <std::size_t N>
constexpr bool contains(const std::uint8_t (&list)[N], std::uint8_t rc) {
    for (std::uint8_t v : list)
        if (v == rc) return true;
    return false;
}

constexpr std::uint8_t kConnack[] = {0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86,
                                     0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97,
                                     0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F};
constexpr std::uint8_t kPubackPubrec[] = {0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99};
constexpr std::uint8_t kPubrelPubcomp[] = {0x00, 0x92};
constexpr std::uint8_t kSuback[] = {0x00, 0x01, 0x02, 0x80, 0x83, 0x87,
                                    0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2};
constexpr std::uint8_t kUnsuback[] = {0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91};
constexpr std::uint8_t kDisconnect[] = {0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D,
                                        0x8E, 0x8F, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99,
                                        0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2};
constexpr std::uint8_t kAuth[] = {0x00, 0x18, 0x19};

}  // namespace

bool is_valid_reason(PacketType type, std::uint8_t rc) {
    switch (type) {
        case PacketType::Connack:  // 3.2.2.2
            return contains(kConnack, rc);
        case PacketType::Puback:  // 3.4.2.1, 3.5.2.1
        case PacketType::Pubrec:
            return contains(kPubackPubrec, rc);
        case PacketType::Pubrel:  // 3.6.2.1, 3.7.2.1
        case PacketType::Pubcomp:
            return contains(kPubrelPubcomp, rc);
        case PacketType::Suback:  // 3.9.3
            return contains(kSuback, rc);
        case PacketType::Unsuback:  // 3.11.3
            return contains(kUnsuback, rc);
        case PacketType::Disconnect:  // 3.14.2.1
            return contains(kDisconnect, rc);
        case PacketType::Auth:  // 3.15.2.1
            return contains(kAuth, rc);
        default:
            return false;
    }
}

bool from_311_connack(std::uint8_t code, ReasonCode& out) {
    switch (code) {
        case 0:
            out = ReasonCode::Success;
            return true;
        case 1:
            out = ReasonCode::UnsupportedProtocolVersion;
            return true;
        case 2:
            out = ReasonCode::ClientIdentifierNotValid;
            return true;
        case 3:
            out = ReasonCode::ServerUnavailable;
            return true;
        case 4:
            out = ReasonCode::BadUserNameOrPassword;
            return true;
        case 5:
            out = ReasonCode::NotAuthorized;
            return true;
        default:
            return false;
    }
}

}  // namespace detail
}  // namespace ts::mqtt
