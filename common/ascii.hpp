// ASCII case folding for protocol tokens and configuration words (never locale-dependent).
#pragma once

#include <string>

namespace skiff {

inline std::string ascii_lower(std::string text) {
    for (char& c : text)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return text;
}

}  // namespace skiff
