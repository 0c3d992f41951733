// "INODE:CTIME_NS" of a file: the same file, unchanged since, has the same text. A rename over
// it makes another inode; a write or chmod moves the change time. Used where one process
// records a file and another checks it later (skiff run --save's written files).
#pragma once

#include <sys/stat.h>

#include <string>

namespace skiff {

inline std::string inode_identity(const struct stat& st) {
    long long ctime_ns = static_cast<long long>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
    return std::to_string(st.st_ino) + ":" + std::to_string(ctime_ns);
}

}  // namespace skiff
