#include "core/thread_name.hpp"

#include <gtest/gtest.h>
#include <pthread.h>

#include <string>
#include <thread>

namespace {

std::string name_in_thread(std::string_view name) {
    std::string seen;
    std::thread t([&] {
        ts::name_this_thread(name);
        char buf[64] = {};
        ::pthread_getname_np(::pthread_self(), buf, sizeof buf);
        seen = buf;
    });
    t.join();
    return seen;
}

TEST(ThreadName, NamesTheCallingThread) {
    EXPECT_EQ(name_in_thread("ts-mqtt-1"), "ts-mqtt-1");
}

TEST(ThreadName, LongNamesAreCutToWhatTheKernelKeeps) {
    EXPECT_EQ(name_in_thread("ts-thing-data-completions"), "ts-thing-data-c");
}

}  // namespace
