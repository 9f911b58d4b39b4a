// Kept apart: the path is compiled in (an absolute path in this build tree),
// so only this file is rebuilt when the tree moves.
#include "app/serve_config.hpp"

#ifndef THINGSTEAD_CONSOLE_DIR
#define THINGSTEAD_CONSOLE_DIR ""
#endif

namespace ts::app {

std::string default_console_dir() {
    return THINGSTEAD_CONSOLE_DIR;
}

}  // namespace ts::app
