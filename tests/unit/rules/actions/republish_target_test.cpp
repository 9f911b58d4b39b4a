// The republish target with a capturing publish function (the broker side
// is the broker's own tests' business).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rules/actions/action.hpp"

namespace ts::rules {
namespace {

using nlohmann::json;

struct Published {
    std::string topic, payload;
    int qos;
};

TEST(RepublishTarget, RendersTheTopicAndPublishesTheRow) {
    std::vector<Published> out;
    TargetEnv env;
    env.publish = [&](std::string t, std::string p, int q) { out.push_back({t, p, q}); };
    auto spec = parse_action(json{{"type", "republish"},
                                  {"topic", "/${productKey}/${deviceName()}/user/cmd"},
                                  {"qos", 1}},
                             "actions[0]");
    ASSERT_TRUE(spec.has_value()) << spec.error();
    auto target = make_target(*spec, env);
    ASSERT_TRUE(target.has_value()) << target.error();

    ActionItem item;
    item.row = {{"productKey", "pk1"}, {"t", 21.5}};
    item.device_name = "dev9";
    ASSERT_TRUE((*target)->send(item).has_value());
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].topic, "/pk1/dev9/user/cmd");
    EXPECT_EQ(json::parse(out[0].payload), item.row);
    EXPECT_EQ(out[0].qos, 1);

    // A rendered wildcard can never be published: not retryable.
    item.row["productKey"] = "+";
    auto r = (*target)->send(item);
    ASSERT_FALSE(r.has_value());
    EXPECT_FALSE(r.error().retryable);
    EXPECT_EQ(out.size(), 1u);
}

TEST(RepublishTarget, NeedsABroker) {
    auto spec = parse_action(json{{"type", "republish"}, {"topic", "a"}}, "");
    ASSERT_TRUE(spec.has_value());
    EXPECT_FALSE(make_target(*spec, TargetEnv{}).has_value());
}

}  // namespace
}  // namespace ts::rules
