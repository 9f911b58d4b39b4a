#include "broker/session.hpp"

#include <algorithm>

namespace ts::broker {

// Ids are handed out in sequence, 65,535 of them per cycle, and in-flight
// deliveries are kept in the order their ids were handed out. The id taken
// now can only be in use if the oldest in-flight delivery got its id a whole
// cycle ago (or came from the store): only then is the window scanned. With
// large windows the scan per message would otherwise cost more than the rest
// of the delivery.
void Session::allocate_packet_id(Delivery& d) {
    constexpr std::uint64_t kCycle = 65535;
    while (true) {
        std::uint16_t id = next_packet_id++;
        if (next_packet_id == 0) next_packet_id = 1;
        if (id == 0) continue;
        const std::uint64_t stamp = ++ids_consumed;
        bool used = false;
        if (!inflight.empty()) {
            const std::uint64_t oldest = inflight.front().id_stamp;
            if (oldest == Delivery::kUnknownStamp || stamp - oldest >= kCycle)
                used = std::any_of(inflight.begin(), inflight.end(),
                                   [id](const Delivery& x) { return x.packet_id == id; });
        }
        if (!used) {
            d.packet_id = id;
            d.id_stamp = stamp;
            return;
        }
    }
}

}  // namespace ts::broker
