#include "core/thread_name.hpp"

#include <pthread.h>

#include <string>

namespace ts {

void name_this_thread(std::string_view name) {
    constexpr std::size_t kMaxName = 15;  // the kernel's limit, without the NUL
    const std::string cut(name.substr(0, kMaxName));
    ::pthread_setname_np(::pthread_self(), cut.c_str());
}

}  // namespace ts
