#pragma once
#include "../support/temp_dir.hpp"

namespace ts::store::test {
using ts::test::TempDir;
}  // namespace ts::store::test
