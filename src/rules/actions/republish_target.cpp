// Republish: the row, as JSON, published to a topic through the broker.
// The broker marks it as coming from a rule so rules do not see it again.
#include <string_view>

#include "rules/actions/action_configs.hpp"
#include "rules/actions/action_fields.hpp"
#include "rules/actions/item_view.hpp"
#include "rules/sql/query.hpp"

namespace ts::rules::actions {

namespace {

// A publish topic: not empty, no wildcards, no NUL, fits MQTT's length field.
std::string_view topic_problem(std::string_view t) {
    if (t.empty()) return "is empty";
    if (t.size() > 65535) return "is longer than 65535 bytes";
    if (t.find_first_of("+#") != std::string_view::npos)
        return "may not contain the wildcards + or #";
    if (t.find('\0') != std::string_view::npos) return "may not contain NUL";
    return {};
}

class RepublishTarget final : public Target {
public:
    RepublishTarget(Template topic, int qos, const TargetEnv& env)
        : topic_(std::move(topic)), qos_(qos), publish_(env.publish) {}

    Expected<void, SendError> send(const ActionItem& item) override {
        auto topic = topic_.render(item.row, message_view(item));
        // A template that cannot render this row will not render it on a
        // retry either.
        if (!topic) return unexpected(SendError{"topic: " + topic.error(), false});
        if (auto problem = topic_problem(*topic); !problem.empty())
            return unexpected(SendError{"topic \"" + *topic + "\" " + std::string(problem), false});
        publish_(std::move(*topic), row_json(item.row), qos_);
        return {};
    }

private:
    Template topic_;
    int qos_;
    std::function<void(std::string, std::string, int)> publish_;
};

}  // namespace

Expected<RepublishConfig, std::string> parse_republish(const json& j, const std::string& where) {
    if (auto ok = check_known_fields(j, where,
                                     {"type", "retry", "queueLimit", "overflow", "topic", "qos"});
        !ok)
        return unexpected(ok.error());
    RepublishConfig c;
    auto topic = required_string(j, "topic", where);
    if (!topic) return unexpected(topic.error());
    c.topic = std::move(*topic);
    const auto topic_path = field_path(where, "topic");
    auto compiled = Template::compile(c.topic);
    if (!compiled) return field_error(topic_path, compiled.error().to_string());
    // Without holes the topic is final now, so check it now rather than at
    // every message.
    if (!compiled->has_holes())
        if (auto problem = topic_problem(c.topic); !problem.empty())
            return field_error(topic_path, problem);
    auto qos = optional_int(j, "qos", where, 0, 1);
    if (!qos) return field_error(field_path(where, "qos"), "must be 0 or 1");
    if (*qos) c.qos = static_cast<int>(**qos);
    return c;
}

Expected<std::unique_ptr<Target>, std::string> make_republish_target(RepublishConfig c,
                                                                     const TargetEnv& env) {
    if (!env.publish) return unexpected(std::string("republish: no broker to publish to"));
    auto topic = Template::compile(c.topic);
    if (!topic) return unexpected("topic: " + topic.error().to_string());
    return std::unique_ptr<Target>(
        std::make_unique<RepublishTarget>(std::move(*topic), c.qos, env));
}

}  // namespace ts::rules::actions
