// Packet identifiers for a session's outgoing QoS 1/2 messages: never one that
// is still in flight, however long a delivery stays unacknowledged, and
// whatever ids the store brought back after a restart.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>

#include "broker/session.hpp"

namespace ts::broker {
namespace {

// Hands out an id and puts the delivery in flight, as the broker does.
std::uint16_t send_one(Session& s) {
    Delivery d;
    s.allocate_packet_id(d);
    EXPECT_NE(d.packet_id, 0);
    const std::uint16_t id = d.packet_id;
    s.inflight.push_back(std::move(d));
    return id;
}

// Acknowledges the delivery at `index` of the window.
void acknowledge_at(Session& s, std::set<std::uint16_t>& live, std::size_t index) {
    live.erase(s.inflight[index].packet_id);
    s.inflight.erase(s.inflight.begin() + static_cast<long>(index));
}

TEST(PacketIds, ANeverAcknowledgedDeliveryKeepsItsIdThroughManyCycles) {
    Session s("c");
    std::set<std::uint16_t> live;             // the ids in flight
    const std::uint16_t stuck = send_one(s);  // never acknowledged
    live.insert(stuck);
    // 300,000 more deliveries (over four cycles of ids) acknowledged in a
    // window of 256, oldest first after the stuck one.
    for (int i = 0; i < 300'000; ++i) {
        const std::uint16_t id = send_one(s);
        ASSERT_TRUE(live.insert(id).second) << "id " << id << " given again, delivery " << i;
        if (s.inflight.size() > 256) acknowledge_at(s, live, 1);
    }
    EXPECT_EQ(s.inflight.front().packet_id, stuck);
}

TEST(PacketIds, AcknowledgementsOutOfOrderNeverLeadToADuplicate) {
    Session s("c");
    std::set<std::uint16_t> live;
    std::uint32_t x = 12345;
    for (int i = 0; i < 200'000; ++i) {
        const std::uint16_t id = send_one(s);
        ASSERT_TRUE(live.insert(id).second) << "id " << id << " given again, delivery " << i;
        if (s.inflight.size() > 64) {
            x = x * 1103515245 + 12345;  // acknowledge any one of them
            acknowledge_at(s, live, (x >> 16) % s.inflight.size());
        }
    }
}

TEST(PacketIds, IdsRestoredFromTheStoreAreSkipped) {
    Session s("c");
    // After a restart: PUBRELs pending with ids the store kept, whatever the
    // session's counter says.
    for (std::uint16_t id : {1, 2, 5}) {
        Delivery d;
        d.packet_id = id;
        d.pubrel_pending = true;
        s.inflight.push_back(std::move(d));
    }
    EXPECT_EQ(send_one(s), 3);
    EXPECT_EQ(send_one(s), 4);
    EXPECT_EQ(send_one(s), 6);
}

}  // namespace
}  // namespace ts::broker
