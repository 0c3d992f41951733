// Parsing /proc/PID/mountinfo (proc(5)): the mount point, file system type and options of each
// line. The kernel writes ' ', '\t', '\n' and '\\' in paths as octal escapes ("\040").
#pragma once

#include <string>
#include <vector>

namespace skiff {

struct MountInfo {
    std::string point;    // unescaped
    std::string type;     // "ext4", "overlay", "fuse.squashfuse", ...
    std::string options;  // the mount's and the superblock's, comma-separated
};

// Every well-formed line of `text`, in order; malformed lines are skipped.
std::vector<MountInfo> parse_mountinfo(const std::string& text);

// `field` with the kernel's octal escapes undone.
std::string unescape_mountinfo(const std::string& field);

}  // namespace skiff
