// Command-line validation: what parses, and what is a usage error (exit 2)
// before anything talks to the network.
#include <gtest/gtest.h>

#include <memory>
#include <sstream>

#include "app/cli/common.hpp"

namespace ts::app::cli {
namespace {

struct Cli {
    CLI::App app{"test"};
    Dispatcher dispatcher;
    Cli() {
        app.require_subcommand(1);
        register_client_commands(app, dispatcher);
        set_usage_error_format(app);
    }
};

// nullopt when the line parses; otherwise CLI11's message.
std::optional<std::string> usage_error(const std::string& line) {
    Cli cli;
    try {
        cli.app.parse(line, false);
    } catch (const CLI::ParseError& e) {
        return std::string(e.what());
    }
    return std::nullopt;
}

void expect_ok(const std::string& line) {
    auto e = usage_error(line);
    EXPECT_FALSE(e) << line << ": " << e.value_or("");
}

void expect_usage(const std::string& line, const std::string& names) {
    auto e = usage_error(line);
    ASSERT_TRUE(e) << line << " parsed";
    EXPECT_NE(e->find(names), std::string::npos) << line << ": " << *e;
}

TEST(CliArguments, ProductCommands) {
    expect_ok("product create --name Lamp --node-type gateway --data-format raw --json");
    expect_ok("product list --page-size 5 --page-token abc --server http://h:1 --token t");
    expect_ok("product get pk1");
    expect_ok("product update pk1 --description new");
    expect_ok("product update --product pk1 --validation-mode lenient");
    expect_ok("product create --name Lamp --validation-mode off");
    expect_ok("product get --product pk1");
    expect_ok("product delete pk1");
    expect_usage("product create", "--name");
    expect_usage("product create --name x --node-type hub", "--node-type");
    expect_usage("product list --page-size 0", "--page-size");
    expect_usage("product get", "--product");
    expect_usage("product update pk1", "--name, --description and/or --validation-mode");
    expect_usage("product update pk1 --validation-mode loose", "--validation-mode");
    expect_usage("product get pk1 --product pk2", "--product");
    expect_usage("product", "subcommand");
}

TEST(CliArguments, DeviceCommands) {
    expect_ok("device register --product pk");
    expect_ok("device register --product pk --name d1");
    expect_ok("device batch --product pk --count 3 --csv out.csv");
    expect_ok("device batch --product pk --names a,b,c");
    expect_ok("device list --product pk --status online --tag room:1 --name lamp");
    for (const char* c : {"get", "delete", "disable", "enable", "rotate-secret"})
        expect_ok(std::string("device ") + c + " --product pk --name d1");
    expect_usage("device register", "--product");
    expect_usage("device get --product pk", "--name");
    expect_usage("device batch --product pk", "--count N or --names");
    expect_usage("device batch --product pk --count 2 --names a", "excludes");
    expect_usage("device batch --product pk --names a,,b", "is empty");
    expect_usage("device batch --product pk --count 0", "--count");
    expect_usage("device list --product pk --status sleeping", "--status");
    expect_usage("device list --product pk --tag :v", "KEY or KEY:VALUE");
}

TEST(CliArguments, ThingModelCommands) {
    expect_ok("product thing-model get --product pk");
    expect_ok("product thing-model get --product pk --json");
    expect_ok("product thing-model set --product pk --file tsl.json");
    expect_ok("product thing-model set --product pk -f -");
    expect_usage("product thing-model", "subcommand");
    expect_usage("product thing-model get", "--product");
    expect_usage("product thing-model set --product pk", "--file");
}

TEST(CliArguments, DeviceDataCommands) {
    expect_ok("device props --product pk --name d1 --json");
    expect_ok("device history --product pk --name d1 --property temperature");
    expect_ok(
        "device history --product pk --name d1 --property t --from 0 --to 1700000000000 "
        "--page-size 10 --page-token x");
    expect_ok("device events --product pk --name d1");
    expect_ok("device events --product pk --name d1 --identifier alarm --page-size 5");
    expect_ok(R"(device set --product pk --name d1 --params '{"temperature":25}')");
    expect_ok("device invoke --product pk --name d1 --service reboot");
    expect_ok(R"(device invoke --product pk --name d1 --service calc --params '{"a":1}' )"
              "--timeout-ms 5000");
    expect_ok("device shadow --product pk --name d1");
    expect_ok(R"(device shadow --product pk --name d1 --desired '{"color":"green"}' --version 3)");
    expect_ok("device shadow --product pk --name d1 --desired null");

    expect_usage("device props --product pk", "--name");
    expect_usage("device history --product pk --name d1", "--property");
    expect_usage("device history --product pk --name d1 --property t --page-size 0", "--page-size");
    expect_usage("device history --product pk --name d1 --property t --from -5", "--from");
    expect_usage("device set --product pk --name d1", "--params");
    expect_usage("device invoke --product pk --name d1", "--service");
    expect_usage("device invoke --product pk --name d1 --service s --timeout-ms 9000",
                 "--timeout-ms");
    expect_usage("device shadow --product pk --name d1 --version 2", "--desired");
}

TEST(CliArguments, JsonOptionsAreCheckedBeforeAnythingIsSent) {
    // Bad JSON is a usage error naming the option: parsing throws, so no
    // action (and no request) runs.
    expect_usage(R"(device set --product pk --name d1 --params '{"temperature":')",
                 "--params: not valid JSON");
    expect_usage("device set --product pk --name d1 --params 25",
                 "--params: must be a JSON object");
    expect_usage("device set --product pk --name d1 --params null",
                 "--params: must be a JSON object");
    expect_usage("device invoke --product pk --name d1 --service s --params '[1]'",
                 "--params: must be a JSON object");
    expect_usage("device shadow --product pk --name d1 --desired '{color: green}'",
                 "--desired: not valid JSON");
}

TEST(CliArguments, TopicClassCommands) {
    expect_ok("topic-class list --product pk");
    expect_ok("topic-class add --product pk --topic /pk/${deviceName}/user/get --permission sub");
    expect_ok("topic-class delete --product pk --topic /pk/x");
    expect_usage("topic-class add --product pk --topic /t", "--permission");
    expect_usage("topic-class add --product pk --topic /t --permission write", "--permission");
    expect_usage("topic-class delete --product pk", "--topic");
}

TEST(CliArguments, PubSubCommands) {
    expect_ok("pub --topic t --message hi");
    expect_ok("pub --topic t -m hi --qos 1 --retain --product pk --device d --secret s");
    expect_ok("pub --topic t --file - --token abc --mqtt 127.0.0.1:1884");
    expect_ok("sub --topic t/# --count 2 --timeout 1.5 --json --mqtt-version 5");
    expect_usage("pub --topic t", "--message or --file");
    expect_usage("pub --topic t --message a --file b", "excludes");
    expect_usage("pub --message a", "--topic");
    expect_usage("pub --topic t -m x --qos 2", "--qos");
    expect_usage("pub --topic t -m x --product pk --device d", "missing --secret");
    expect_usage("sub --topic t --product pk --device d --secret s --token x", "not both");
    expect_usage("sub --topic t --mqtt-version 4", "--mqtt-version");
    expect_usage("sub --topic t --count 0", "--count");
}

TEST(CliArguments, UsageErrorsExitWithTwoAndNameTheProblem) {
    Cli cli;
    std::ostringstream err;
    try {
        cli.app.parse(std::string("product create"), false);
        FAIL() << "parsed";
    } catch (const CLI::ParseError& e) {
        // Redirect the message to check its form.
        auto* old = std::cerr.rdbuf(err.rdbuf());
        const int rc = exit_for_parse_error(cli.app, e);
        std::cerr.rdbuf(old);
        EXPECT_EQ(rc, 2);
    }
    EXPECT_EQ(err.str().rfind("thingstead: ", 0), 0u) << err.str();
    EXPECT_NE(err.str().find("--name"), std::string::npos) << err.str();
}

TEST(CliArguments, HelpExitsZero) {
    Cli cli;
    try {
        cli.app.parse(std::string("device list --help"), false);
        FAIL() << "no help";
    } catch (const CLI::ParseError& e) {
        std::ostringstream out;
        auto* old = std::cout.rdbuf(out.rdbuf());
        const int rc = exit_for_parse_error(cli.app, e);
        std::cout.rdbuf(old);
        EXPECT_EQ(rc, 0);
        EXPECT_NE(out.str().find("--status"), std::string::npos);
    }
}

TEST(CliArguments, DispatcherRunsOnlyTheParsedLeaf) {
    CLI::App app{"t"};
    Dispatcher d;
    auto* a = app.add_subcommand("a");
    auto* b = app.add_subcommand("b");
    d.on(a, [] { return 11; });
    d.on(b, [] { return 22; });
    EXPECT_FALSE(d.run());
    app.parse(std::string("b"), false);
    EXPECT_EQ(d.run(), 22);
}

TEST(CliArguments, EnvironmentFillsServerAndToken) {
    ::setenv("THINGSTEAD_SERVER", "http://env:1", 1);
    ::setenv("THINGSTEAD_TOKEN", "envtoken", 1);
    auto r = resolve({});
    EXPECT_EQ(r.server, "http://env:1");
    EXPECT_EQ(r.token, "envtoken");
    auto flags = resolve({"http://flag:2", "flagtoken", false});
    EXPECT_EQ(flags.server, "http://flag:2");
    EXPECT_EQ(flags.token, "flagtoken");
    ::unsetenv("THINGSTEAD_SERVER");
    ::unsetenv("THINGSTEAD_TOKEN");
    EXPECT_EQ(resolve({}).server, kDefaultServer);
    EXPECT_EQ(resolve({}).token, "");
}

}  // namespace
}  // namespace ts::app::cli
