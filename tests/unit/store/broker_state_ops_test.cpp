#include "store/broker_state_ops.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ts::store {
namespace {

RetainedRecord retained(std::string topic, std::string payload) {
    return RetainedRecord{.topic = std::move(topic), .payload = std::move(payload)};
}
QueuedMessageRecord message(std::string client, std::uint64_t seq, std::string payload = "p") {
    return QueuedMessageRecord{
        .client_id = std::move(client), .seq = seq, .payload = std::move(payload)};
}

TEST(Coalesce, KeepsOnlyTheLastWriteOfARow) {
    std::vector<BrokerStateOp> ops = {retained("t", "1"), retained("t", "2"), retained("u", "x"),
                                      retained("t", "3")};
    EXPECT_EQ(coalesce(ops), 2u);
    ASSERT_EQ(ops.size(), 2u);
    EXPECT_EQ(std::get<RetainedRecord>(ops[0]).topic, "u");
    EXPECT_EQ(std::get<RetainedRecord>(ops[1]).payload, "3");
}

TEST(Coalesce, PutThenDeleteLeavesTheDelete) {
    std::vector<BrokerStateOp> ops = {message("c", 1), DeleteMessage{"c", 1}, message("c", 2)};
    EXPECT_EQ(coalesce(ops), 1u);
    ASSERT_EQ(ops.size(), 2u);
    EXPECT_TRUE(std::holds_alternative<DeleteMessage>(ops[0]));
    EXPECT_EQ(std::get<QueuedMessageRecord>(ops[1]).seq, 2u);
}

TEST(Coalesce, DeleteThenPutLeavesThePut) {
    std::vector<BrokerStateOp> ops = {DeleteRetained{"t"}, retained("t", "new")};
    EXPECT_EQ(coalesce(ops), 1u);
    ASSERT_EQ(ops.size(), 1u);
    EXPECT_EQ(std::get<RetainedRecord>(ops[0]).payload, "new");
}

TEST(Coalesce, DeleteSessionSupersedesEarlierWritesOfItsClientOnly) {
    std::vector<BrokerStateOp> ops = {
        SessionRecord{.client_id = "c"},
        SubscriptionRecord{.client_id = "c", .filter = "a/#"},
        message("c", 1),
        message("d", 1),
        retained("c", "not a session row"),
        DeleteSession{"c"},
        SessionRecord{.client_id = "c"},
        message("c", 1),
    };
    EXPECT_EQ(coalesce(ops), 3u);
    ASSERT_EQ(ops.size(), 5u);
    EXPECT_EQ(std::get<QueuedMessageRecord>(ops[0]).client_id, "d");
    EXPECT_TRUE(std::holds_alternative<RetainedRecord>(ops[1]));
    EXPECT_TRUE(std::holds_alternative<DeleteSession>(ops[2]));
    EXPECT_TRUE(std::holds_alternative<SessionRecord>(ops[3]));
    EXPECT_TRUE(std::holds_alternative<QueuedMessageRecord>(ops[4]));
}

TEST(Coalesce, DeleteSessionIsNeverRemoved) {
    std::vector<BrokerStateOp> ops = {DeleteSession{"c"}, SessionRecord{.client_id = "c"},
                                      DeleteSession{"c"}};
    EXPECT_EQ(coalesce(ops), 1u);
    ASSERT_EQ(ops.size(), 2u);
    EXPECT_TRUE(std::holds_alternative<DeleteSession>(ops[0]));
    EXPECT_TRUE(std::holds_alternative<DeleteSession>(ops[1]));
}

TEST(Coalesce, DistinctRowsAreKeptInOrder) {
    std::vector<BrokerStateOp> ops = {
        // Same concatenated bytes, different rows.
        SubscriptionRecord{.client_id = "a", .filter = "bc"},
        SubscriptionRecord{.client_id = "ab", .filter = "c"},
        // Same client and number, different tables.
        message("c", 1),
        DeleteSubscription{"c", std::string("\x01\0\0\0\0\0\0\0", 8)},
        SessionRecord{.client_id = "x"},
        retained("x", ""),
    };
    EXPECT_EQ(coalesce(ops), 0u);
    EXPECT_EQ(ops.size(), 6u);
}

TEST(Coalesce, EmptyAndSingleBatchesAreUntouched) {
    std::vector<BrokerStateOp> ops;
    EXPECT_EQ(coalesce(ops), 0u);
    ops.push_back(DeleteRetained{"t"});
    EXPECT_EQ(coalesce(ops), 0u);
    EXPECT_EQ(ops.size(), 1u);
}

}  // namespace
}  // namespace ts::store
