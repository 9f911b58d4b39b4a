#pragma once
// Bearer-token authentication for the management API. One admin token for
// now (given at start); API keys with narrower rights (RBAC) come later and
// keep the same header.
#include <optional>
#include <string_view>

#include "api/errors.hpp"

namespace ts::api {

// Compares without an early exit, so the time taken does not reveal how
// much of `presented` matched. It depends only on presented.size(), which
// the caller already knows.
bool constant_time_equal(std::string_view secret, std::string_view presented);

// nullopt when `authorization` (the header's value, empty when absent) is
// "Bearer <admin_token>"; otherwise 401 Unauthenticated saying what was wrong.
std::optional<ApiError> check_bearer(std::string_view authorization, std::string_view admin_token);

}  // namespace ts::api
