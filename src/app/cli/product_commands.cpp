// `thingstead product create|list|get|update|delete`: the /products resource
// (`product thing-model` is in thing_model_commands.cpp).
#include <iostream>
#include <memory>

#include "app/cli/api_call.hpp"
#include "app/cli/common.hpp"
#include "app/cli/output.hpp"
#include "app/cli/requests.hpp"

namespace ts::app::cli {

namespace {

const std::vector<Column> kProductColumns = {
    {"PRODUCT KEY", "productKey"}, {"NAME", "name"},          {"NODE TYPE", "nodeType"},
    {"DATA FORMAT", "dataFormat"}, {"AUTH TYPE", "authType"}, {"VALIDATION", "validationMode"},
    {"CREATED", "createdTime"},
};

const std::vector<std::string> kProductFields = {
    "productKey", "productSecret", "name",           "description", "nodeType",
    "dataFormat", "authType",      "validationMode", "createdTime",
};

// How strictly device data is checked against the thing model.
const char* const kValidationModeHelp =
    "strict (refuse a post with any bad value), lenient (keep the good values) or off";

void print_product(std::ostream& out, const nlohmann::json& p) {
    print_fields(out, p, kProductFields);
}

void print_nothing(std::ostream&, const nlohmann::json&) {}

struct ProductOptions {
    CommonOptions common;
    std::string pk;
    ProductCreate create;
    Paging paging;
    ProductPatch patch;
};

// The product key of get/update/delete: positional (`product get PK`) or,
// as on the device commands, --product.
void add_product_key(CLI::App* cmd, std::string& pk) {
    cmd->add_option("product-key,--product", pk, "Product key (as an argument or with --product)")
        ->required();
}

}  // namespace

void register_product_commands(CLI::App& app, Dispatcher& dispatcher) {
    auto* product = app.add_subcommand("product", "Create, list, read, change and delete products");
    product->require_subcommand(1);
    // One options block per leaf: CLI11 binds options to variables that must
    // outlive parsing, and the action runs afterwards.
    auto leaf = [&](const char* name, const char* what) {
        auto opts = std::make_shared<ProductOptions>();
        auto* cmd = product->add_subcommand(name, what);
        add_common_options(cmd, opts->common);
        return std::make_pair(cmd, opts);
    };

    {
        const auto l = leaf("create", "Create a product; prints its key and secret");
        auto* cmd = l.first;
        const auto& o = l.second;
        cmd->add_option("--name", o->create.name, "Product name")->required();
        cmd->add_option("--node-type", o->create.node_type, "device (default) or gateway")
            ->check(CLI::IsMember({"device", "gateway"}));
        cmd->add_option("--data-format", o->create.data_format, "alink (default) or raw")
            ->check(CLI::IsMember({"alink", "raw"}));
        cmd->add_option("--auth-type", o->create.auth_type, "secret (default) or x509")
            ->check(CLI::IsMember({"secret", "x509"}));
        cmd->add_option("--description", o->create.description, "Free text");
        cmd->add_option("--validation-mode", o->create.validation_mode, kValidationModeHelp)
            ->check(CLI::IsMember({"strict", "lenient", "off"}));
        dispatcher.on(cmd, [o] {
            return call_and_print(o->common, product_create(o->create), print_product);
        });
    }
    {
        const auto l = leaf("list", "List products, one page at a time");
        auto* cmd = l.first;
        const auto& o = l.second;
        cmd->add_option("--page-size", o->paging.page_size, "Products per page")
            ->check(CLI::PositiveNumber);
        cmd->add_option("--page-token", o->paging.page_token, "Token printed by the previous page");
        dispatcher.on(cmd, [o] {
            return call_and_print(o->common, product_list(o->paging),
                                  [](std::ostream& out, const nlohmann::json& reply) {
                                      print_list(out, kProductColumns, reply);
                                  });
        });
    }
    {
        const auto l = leaf("get", "Show one product, secret included");
        auto* cmd = l.first;
        const auto& o = l.second;
        add_product_key(cmd, o->pk);
        dispatcher.on(cmd,
                      [o] { return call_and_print(o->common, product_get(o->pk), print_product); });
    }
    {
        const auto l = leaf("update", "Change a product's name, description or validation mode");
        auto* cmd = l.first;
        const auto& o = l.second;
        add_product_key(cmd, o->pk);
        auto* name = cmd->add_option("--name", o->patch.name, "New name");
        auto* description =
            cmd->add_option("--description", o->patch.description, "New description");
        auto* mode =
            cmd->add_option("--validation-mode", o->patch.validation_mode, kValidationModeHelp)
                ->check(CLI::IsMember({"strict", "lenient", "off"}));
        // An empty PATCH would succeed and change nothing: almost certainly
        // a forgotten flag, so it is a usage error.
        cmd->callback([name, description, mode] {
            if (name->count() == 0 && description->count() == 0 && mode->count() == 0)
                throw CLI::ValidationError("product update",
                                           "give --name, --description and/or --validation-mode");
        });
        dispatcher.on(cmd, [o] {
            return call_and_print(o->common, product_update(o->pk, o->patch), print_product);
        });
    }
    {
        const auto l = leaf("delete", "Delete a product");
        auto* cmd = l.first;
        const auto& o = l.second;
        add_product_key(cmd, o->pk);
        dispatcher.on(
            cmd, [o] { return call_and_print(o->common, product_delete(o->pk), print_nothing); });
    }
    register_thing_model_commands(*product, dispatcher);
}

}  // namespace ts::app::cli
