// Splitting colon-separated lists (PATH, EDF_PATH) without losing empty fields: callers decide
// what an empty entry means (PATH: the current directory; EDF_PATH: nothing).
#pragma once

#include <string_view>
#include <vector>

namespace skiff {

inline std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    while (true) {
        std::size_t end = text.find(separator, start);
        fields.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) return fields;
        start = end + 1;
    }
}

}  // namespace skiff
