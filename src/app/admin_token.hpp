#pragma once
// The admin API token: THINGSTEAD_ADMIN_TOKEN when set, else the one kept in
// {data_dir}/admin.token (created on first start, mode 0600).
#include <string>

#include "core/error.hpp"
#include "core/expected.hpp"

namespace ts::app {

struct AdminToken {
    std::string token;
    std::string source;  // "environment" or the file path
    bool created = false;
};

Expected<AdminToken, Error> load_admin_token(const std::string& data_dir);

}  // namespace ts::app
