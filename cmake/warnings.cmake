# Common compile options for every Thingstead target.
add_library(thingstead_options INTERFACE)
target_compile_options(thingstead_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Wunused -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)
if(THINGSTEAD_WERROR)
  target_compile_options(thingstead_options INTERFACE -Werror)
endif()
if(THINGSTEAD_SANITIZE)
  target_compile_options(thingstead_options INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(thingstead_options INTERFACE -fsanitize=address,undefined)
endif()
if(THINGSTEAD_TSAN)
  target_compile_options(thingstead_options INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(thingstead_options INTERFACE -fsanitize=thread)
endif()
# Clang checks the lock annotations (core/thread_annotations.hpp).
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  target_compile_options(thingstead_options INTERFACE -Wthread-safety)
endif()
# Boost.Asio: use std::invoke_result and avoid deprecated interfaces.
target_compile_definitions(thingstead_options INTERFACE
  BOOST_ASIO_NO_DEPRECATED)
