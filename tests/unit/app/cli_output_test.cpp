// Text and JSON output of the client subcommands.
#include <gtest/gtest.h>

#include <sstream>

#include "app/cli/output.hpp"

namespace ts::app::cli {
namespace {

using nlohmann::json;

TEST(CliOutput, TimesAreUtcWithMilliseconds) {
    EXPECT_EQ(format_time_ms(0), "-");
    EXPECT_EQ(format_time_ms(1714564800123), "2024-05-01T12:00:00.123Z");
}

TEST(CliOutput, FormatValue) {
    EXPECT_EQ(format_value("name", "x"), "x");
    EXPECT_EQ(format_value("ipAddress", ""), "-");
    EXPECT_EQ(format_value("createdTime", 1714564800000), "2024-05-01T12:00:00.000Z");
    EXPECT_EQ(format_value("lastOnlineTime", 0), "-");
    EXPECT_EQ(format_value("time", 1714564800000), "2024-05-01T12:00:00.000Z");  // thing data
    EXPECT_EQ(format_value("enabled", true), "true");
    EXPECT_EQ(format_value("tags", json::object()), "-");
    EXPECT_EQ(format_value("tags", json{{"b", "2"}, {"a", "1"}}), "a=1,b=2");
    EXPECT_EQ(format_value("x", json::array({1, 2})), "[1,2]");
}

TEST(CliOutput, TableAlignsColumns) {
    std::ostringstream out;
    json items = json::array({{{"deviceName", "lamp-1"}, {"status", "online"}},
                              {{"deviceName", "d"}, {"status", "inactive"}}});
    print_table(out, {{"DEVICE NAME", "deviceName"}, {"STATUS", "status"}}, items);
    EXPECT_EQ(out.str(),
              "DEVICE NAME  STATUS\n"
              "lamp-1       online\n"
              "d            inactive\n");
}

TEST(CliOutput, MissingCellsAreDashes) {
    std::ostringstream out;
    print_table(out, {{"A", "a"}, {"B", "b"}}, json::array({{{"a", "1"}}}));
    EXPECT_EQ(out.str(), "A  B\n1  -\n");
}

TEST(CliOutput, ListShowsNextPageToken) {
    std::ostringstream out;
    print_list(out, {{"NAME", "name"}},
               {{"items", json::array({{{"name", "p"}}})}, {"nextPageToken", "t2"}});
    EXPECT_EQ(out.str(), "NAME\np\n\nmore: --page-token t2\n");
    std::ostringstream last;
    print_list(last, {{"NAME", "name"}}, {{"items", json::array()}, {"nextPageToken", ""}});
    EXPECT_EQ(last.str(), "NAME\n");
}

TEST(CliOutput, FieldsInGivenOrderThenByName) {
    std::ostringstream out;
    print_fields(out, {{"zeta", "z"}, {"name", "Lamp"}, {"productKey", "pk"}, {"alpha", 1}},
                 {"productKey", "name", "absent"});
    EXPECT_EQ(out.str(),
              "productKey: pk\n"
              "name:       Lamp\n"
              "alpha:      1\n"
              "zeta:       z\n");
}

TEST(CliOutput, JsonIsPrettyAndParsesBack) {
    std::ostringstream out;
    json j = {{"items", json::array({{{"a", 1}}})}, {"nextPageToken", ""}};
    print_json(out, j);
    EXPECT_EQ(json::parse(out.str()), j);
    EXPECT_NE(out.str().find("\n  \"items\""), std::string::npos);
}

TEST(CliOutput, CsvQuotesOnlyWhenNeeded) {
    std::ostringstream out;
    write_csv(out, {"productKey", "deviceName", "deviceSecret"},
              {{"pk", "d1", "s1"}, {"pk", "a,b", "q\"x"}});
    EXPECT_EQ(out.str(),
              "productKey,deviceName,deviceSecret\n"
              "pk,d1,s1\n"
              "pk,\"a,b\",\"q\"\"x\"\n");
}

}  // namespace
}  // namespace ts::app::cli
