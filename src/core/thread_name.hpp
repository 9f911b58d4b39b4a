#pragma once
// Names the calling thread, as `top -H`, `perf report -s comm` and gdb show
// it: a profile of the platform then tells the event loops from the store's
// writer without guessing from thread ids.
#include <string_view>

namespace ts {

// Linux keeps 15 characters of a thread's name; longer names are cut.
void name_this_thread(std::string_view name);

}  // namespace ts
