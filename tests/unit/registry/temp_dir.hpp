#pragma once
#include "../support/temp_dir.hpp"

namespace ts::registry::test {
using ts::test::TempDir;
}  // namespace ts::registry::test
