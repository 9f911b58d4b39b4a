#include "broker/log_gate.hpp"

#include <gtest/gtest.h>

namespace ts::broker {
namespace {

TEST(LogGate, OneLinePerIntervalCountingWhatItHeldBack) {
    LogGate gate(10'000);
    EXPECT_EQ(gate.pass(0), 1u);  // the first event is logged at once
    for (int i = 0; i < 999; ++i) EXPECT_EQ(gate.pass(1 + i), 0u);
    EXPECT_EQ(gate.pass(10'000), 1000u);  // 999 held back and this one
    EXPECT_EQ(gate.pass(10'001), 0u);
    EXPECT_EQ(gate.pass(25'000), 2u);
}

}  // namespace
}  // namespace ts::broker
