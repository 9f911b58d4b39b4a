#include "app/bench/publish_template.hpp"

#include "mqtt/codec.hpp"

namespace ts::app::bench {

PublishTemplate::PublishTemplate(const std::string& topic, mqtt::QoS qos, std::size_t payload_size)
    : payload_size_(payload_size), qos1_(qos == mqtt::QoS::AtLeastOnce) {
    mqtt::Publish p;
    p.qos = qos;
    p.topic = topic;
    p.packet_id = qos1_ ? 1 : 0;
    const std::vector<std::uint8_t> zeros(payload_size, 0);
    p.payload = SharedBuffer::copy_of(zeros.data(), zeros.size());
    mqtt::encode(p, mqtt::ProtocolVersion::v311, bytes_);
    payload_at_ = bytes_.size() - payload_size;
}

std::size_t PublishTemplate::append(std::vector<std::uint8_t>& out, std::uint16_t packet_id) const {
    const auto at = out.size();
    out.insert(out.end(), bytes_.begin(), bytes_.end());
    if (qos1_) {
        // The id sits just before the payload.
        out[at + payload_at_ - 2] = static_cast<std::uint8_t>(packet_id >> 8);
        out[at + payload_at_ - 1] = static_cast<std::uint8_t>(packet_id & 0xFF);
    }
    return at + payload_at_;
}

}  // namespace ts::app::bench
