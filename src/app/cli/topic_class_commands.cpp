// `thingstead topic-class list|add|delete`: a product's custom topic classes
// (the topics its devices may use beyond the system ones).
#include <iostream>
#include <memory>

#include "app/cli/api_call.hpp"
#include "app/cli/common.hpp"
#include "app/cli/output.hpp"
#include "app/cli/requests.hpp"

namespace ts::app::cli {

namespace {

const std::vector<Column> kTopicClassColumns = {
    {"TOPIC", "topic"},
    {"PERMISSION", "permission"},
    {"DESCRIPTION", "description"},
};

struct TopicClassOptions {
    CommonOptions common;
    std::string pk;
    std::string topic;
    std::string permission;
    std::optional<std::string> description;
};

}  // namespace

void register_topic_class_commands(CLI::App& app, Dispatcher& dispatcher) {
    auto* tc = app.add_subcommand("topic-class", "Manage a product's custom topic classes");
    tc->require_subcommand(1);
    auto leaf = [&](const char* name, const char* what) {
        auto opts = std::make_shared<TopicClassOptions>();
        auto* cmd = tc->add_subcommand(name, what);
        add_common_options(cmd, opts->common);
        cmd->add_option("--product", opts->pk, "Product key")->required();
        return std::make_pair(cmd, opts);
    };

    {
        const auto l = leaf("list", "List the product's topic classes");
        const auto& o = l.second;
        dispatcher.on(l.first, [o] {
            return call_and_print(o->common, topic_class_list(o->pk),
                                  [](std::ostream& out, const nlohmann::json& reply) {
                                      print_list(out, kTopicClassColumns, reply);
                                  });
        });
    }
    {
        const auto l = leaf("add", "Add a topic class, e.g. /PK/${deviceName}/user/update");
        auto* cmd = l.first;
        const auto& o = l.second;
        cmd->add_option("--topic", o->topic, "Topic, with ${deviceName} for the device's name")
            ->required();
        cmd->add_option("--permission", o->permission, "pub, sub or all")
            ->required()
            ->check(CLI::IsMember({"pub", "sub", "all"}));
        cmd->add_option("--description", o->description, "Free text");
        dispatcher.on(cmd, [o] {
            return call_and_print(o->common,
                                  topic_class_add(o->pk, o->topic, o->permission, o->description),
                                  [](std::ostream& out, const nlohmann::json& t) {
                                      print_fields(out, t, {"topic", "permission", "description"});
                                  });
        });
    }
    {
        const auto l = leaf("delete", "Delete a topic class");
        auto* cmd = l.first;
        const auto& o = l.second;
        cmd->add_option("--topic", o->topic, "Topic of the class, as added")->required();
        dispatcher.on(cmd, [o] {
            return call_and_print(o->common, topic_class_delete(o->pk, o->topic),
                                  [](std::ostream&, const nlohmann::json&) {});
        });
    }
}

}  // namespace ts::app::cli
