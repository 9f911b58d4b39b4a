#include "broker/session.hpp"

#include <algorithm>

namespace ts::broker {

std::uint16_t Session::allocate_packet_id() {
    while (true) {
        std::uint16_t id = next_packet_id++;
        if (next_packet_id == 0) next_packet_id = 1;
        if (id == 0) continue;
        // Ids cycle through 65535 values while the window holds at most
        // max_inflight, so a collision is rare and the scan is short.
        bool used = std::any_of(inflight.begin(), inflight.end(),
                                [id](const Delivery& d) { return d.packet_id == id; });
        if (!used) return id;
    }
}

}  // namespace ts::broker
