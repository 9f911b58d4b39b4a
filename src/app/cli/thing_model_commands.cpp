// `thingstead product thing-model get|set`: a product's thing model (TSL),
// the JSON document of /products/{pk}/thing-model.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "app/cli/api_call.hpp"
#include "app/cli/common.hpp"
#include "app/cli/output.hpp"
#include "app/cli/thing_requests.hpp"

namespace ts::app::cli {

namespace {

struct ThingModelOptions {
    CommonOptions common;
    std::string pk;
    std::string file;  // set: the TSL document, "-" for stdin
};

// The whole file (or stdin for "-"); the error names the file.
Expected<std::string, std::string> read_text(const std::string& path) {
    std::ostringstream data;
    if (path == "-") {
        data << std::cin.rdbuf();
        return data.str();
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return unexpected("cannot read " + path + ": " + std::strerror(errno));
    data << in.rdbuf();
    return data.str();
}

// "temperature,mode": the identifiers of one section of a TSL document.
std::string identifiers(const nlohmann::json& doc, const char* section) {
    std::string out;
    if (!doc.is_object() || !doc.contains(section) || !doc[section].is_array()) return out;
    for (const auto& item : doc[section]) {
        if (!item.is_object() || !item.contains("identifier") || !item["identifier"].is_string())
            continue;
        if (!out.empty()) out += ',';
        out += item["identifier"].get<std::string>();
    }
    return out;
}

// What `set` prints without --json: the model as stored (built-in events
// and services included), by identifier; `get` shows the whole document.
void print_model_summary(std::ostream& out, const std::string& pk, const nlohmann::json& doc) {
    print_fields(out,
                 {{"productKey", pk},
                  {"properties", identifiers(doc, "properties")},
                  {"events", identifiers(doc, "events")},
                  {"services", identifiers(doc, "services")}},
                 {"productKey", "properties", "events", "services"});
}

int run_set(const ThingModelOptions& o) {
    // Read and parsed before anything is sent; what the document means is
    // the server's to judge (its errors name the path, e.g.
    // "properties[1].dataType.type").
    auto text = read_text(o.file);
    if (!text) {
        std::cerr << "thingstead: " << text.error() << "\n";
        return kExitFailure;
    }
    const std::string shown = o.file == "-" ? "stdin" : o.file;
    auto tsl = parse_json_object(*text);
    if (!tsl) {
        std::cerr << "thingstead: " << shown << ": " << tsl.error() << "\n";
        return kExitFailure;
    }
    const std::string pk = o.pk;
    return call_and_print(
        o.common, thing_model_set(o.pk, std::move(*tsl)),
        [pk](std::ostream& out, const nlohmann::json& doc) { print_model_summary(out, pk, doc); });
}

}  // namespace

void register_thing_model_commands(CLI::App& product, Dispatcher& dispatcher) {
    auto* tm = product.add_subcommand("thing-model", "Read or replace a product's thing model");
    tm->require_subcommand(1);
    auto leaf = [&](const char* name, const char* what) {
        auto opts = std::make_shared<ThingModelOptions>();
        auto* cmd = tm->add_subcommand(name, what);
        add_common_options(cmd, opts->common);
        cmd->add_option("--product", opts->pk, "Product key")->required();
        return std::make_pair(cmd, opts);
    };

    {
        const auto l = leaf("get", "Print the thing model (TSL JSON, built-ins included)");
        const auto& o = l.second;
        // The document is JSON either way: there is no better text form.
        dispatcher.on(l.first, [o] {
            auto reply = api_call(o->common, thing_model_get(o->pk));
            if (!reply) return reply.error();
            print_json(std::cout, *reply);
            return kExitOk;
        });
    }
    {
        const auto l = leaf("set", "Replace the thing model with a TSL JSON document");
        auto* cmd = l.first;
        const auto& o = l.second;
        cmd->add_option("--file,-f", o->file, "TSL JSON file ('-': stdin)")->required();
        dispatcher.on(cmd, [o] { return run_set(*o); });
    }
}

}  // namespace ts::app::cli
