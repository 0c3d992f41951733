// Error text that quotes a spec file's contents: a key or a path may hold a newline or an
// escape sequence, and every error must stay one line on the terminal (style.md rule 8).
#pragma once

#include <string>

namespace skiff::cdi {

// `text` with each control character (below 0x20, and 0x7f) replaced by '?'.
inline std::string one_line(std::string text) {
    for (char& c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return text;
}

}  // namespace skiff::cdi
