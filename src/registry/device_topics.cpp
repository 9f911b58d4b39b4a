#include "registry/device_topics.hpp"

namespace ts::registry {

bool topic_names_device(std::string_view topic, std::string_view product_key,
                        std::string_view device_name) {
    if (product_key.empty() || device_name.empty()) return false;
    std::string_view previous;
    bool first = true;
    std::size_t start = 0;
    while (true) {
        const std::size_t slash = topic.find('/', start);
        const std::string_view level = topic.substr(start, slash - start);
        if (!first && previous == product_key && level == device_name) return true;
        previous = level;
        first = false;
        if (slash == std::string_view::npos) return false;
        start = slash + 1;
    }
}

}  // namespace ts::registry
