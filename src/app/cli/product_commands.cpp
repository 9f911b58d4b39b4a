// `thingstead product create|list|get|update|delete`: the /products resource.
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
    {"DATA FORMAT", "dataFormat"}, {"AUTH TYPE", "authType"}, {"CREATED", "createdTime"},
};

const std::vector<std::string> kProductFields = {
    "productKey", "productSecret", "name",     "description",
    "nodeType",   "dataFormat",    "authType", "createdTime",
};

void print_product(std::ostream& out, const nlohmann::json& p) {
    print_fields(out, p, kProductFields);
}

void print_nothing(std::ostream&, const nlohmann::json&) {}

struct ProductOptions {
    CommonOptions common;
    std::string pk;
    ProductCreate create;
    Paging paging;
    std::optional<std::string> name, description;
};

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
        cmd->add_option("product-key", o->pk, "Product key")->required();
        dispatcher.on(cmd,
                      [o] { return call_and_print(o->common, product_get(o->pk), print_product); });
    }
    {
        const auto l = leaf("update", "Change a product's name or description");
        auto* cmd = l.first;
        const auto& o = l.second;
        cmd->add_option("product-key", o->pk, "Product key")->required();
        auto* name = cmd->add_option("--name", o->name, "New name");
        auto* description = cmd->add_option("--description", o->description, "New description");
        // An empty PATCH would succeed and change nothing: almost certainly
        // a forgotten flag, so it is a usage error.
        cmd->callback([name, description] {
            if (name->count() == 0 && description->count() == 0)
                throw CLI::ValidationError("product update",
                                           "give --name and/or --description to change");
        });
        dispatcher.on(cmd, [o] {
            return call_and_print(o->common, product_update(o->pk, o->name, o->description),
                                  print_product);
        });
    }
    {
        const auto l = leaf("delete", "Delete a product");
        auto* cmd = l.first;
        const auto& o = l.second;
        cmd->add_option("product-key", o->pk, "Product key")->required();
        dispatcher.on(
            cmd, [o] { return call_and_print(o->common, product_delete(o->pk), print_nothing); });
    }
}

}  // namespace ts::app::cli
