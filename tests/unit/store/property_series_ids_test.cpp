#include "store/property_series_ids.hpp"

#include <gtest/gtest.h>

namespace ts::store {
namespace {

TEST(PropertySeriesIds, FindsWhatWasAddedByEveryPartOfTheKey) {
    PropertySeriesIds ids;
    ids.add_existing("a", "b", "c", 1);
    ids.add_existing("a", "bc", "", 2);  // the same letters, split elsewhere
    ids.add_existing("b", "a", "c", 3);
    EXPECT_EQ(ids.find("a", "b", "c"), 1);
    EXPECT_EQ(ids.find("a", "bc", ""), 2);
    EXPECT_EQ(ids.find("b", "a", "c"), 3);
    EXPECT_EQ(ids.find("a", "b", "x"), std::nullopt);
    EXPECT_EQ(ids.find("ab", "", "c"), std::nullopt);
}

TEST(PropertySeriesIds, RollbackForgetsOnlyWhatTheBatchCreated) {
    PropertySeriesIds ids;
    ids.begin_batch();
    ids.add_created("p", "d", "old", 1);
    ids.begin_batch();  // the first batch committed
    ids.add_existing("p", "d", "read", 2);
    ids.add_created("p", "d", "new", 3);
    ids.rollback();
    EXPECT_EQ(ids.find("p", "d", "old"), 1);
    EXPECT_EQ(ids.find("p", "d", "read"), 2);
    EXPECT_EQ(ids.find("p", "d", "new"), std::nullopt);
}

TEST(PropertySeriesIds, EraseDeviceKeepsDevicesWithTheSamePrefix) {
    PropertySeriesIds ids;
    ids.add_existing("p", "d", "t", 1);
    ids.add_existing("p", "d", "h", 2);
    ids.add_existing("p", "d2", "t", 3);
    ids.add_existing("q", "d", "t", 4);
    ids.erase_device("p", "d");
    EXPECT_EQ(ids.find("p", "d", "t"), std::nullopt);
    EXPECT_EQ(ids.find("p", "d", "h"), std::nullopt);
    EXPECT_EQ(ids.find("p", "d2", "t"), 3);
    EXPECT_EQ(ids.find("q", "d", "t"), 4);
}

TEST(PropertySeriesIds, StartsOverWhenFull) {
    PropertySeriesIds ids(2);
    ids.add_existing("p", "d", "a", 1);
    ids.add_existing("p", "d", "b", 2);
    ids.add_existing("p", "d", "c", 3);
    EXPECT_EQ(ids.size(), 1u);
    EXPECT_EQ(ids.find("p", "d", "c"), 3);
    EXPECT_EQ(ids.find("p", "d", "a"), std::nullopt);
}

}  // namespace
}  // namespace ts::store
