#include "common/mountinfo.hpp"

#include <sstream>

namespace skiff {

std::string unescape_mountinfo(const std::string& field) {
    std::string out;
    auto octal = [&](std::size_t at) { return field[at] >= '0' && field[at] <= '7'; };
    for (std::size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size() && octal(i + 1) && octal(i + 2) && octal(i + 3)) {
            out += static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0'));
            i += 3;
        } else {
            out += field[i];
        }
    }
    return out;
}

// "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue"
std::vector<MountInfo> parse_mountinfo(const std::string& text) {
    std::vector<MountInfo> mounts;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream words(line);
        std::string id, parent, devices, root, point, options, word, type, source, super;
        if (!(words >> id >> parent >> devices >> root >> point >> options)) continue;
        while (words >> word && word != "-") {}
        if (word != "-" || !(words >> type >> source >> super)) continue;
        mounts.push_back({unescape_mountinfo(point), type, options + "," + super});
    }
    return mounts;
}

}  // namespace skiff
