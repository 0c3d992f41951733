#include "common/image_file_place.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace skiff {

std::string image_file_place_problem(const std::string& path) {
    auto slash = path.find_last_of('/');
    std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        return "directory '" + dir + "' does not exist; create it first";
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
        return "you cannot create files in '" + dir + "'; choose a directory of yours";
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        return "'" + path + "' is a directory; name the image file to write";
    return "";
}

}  // namespace skiff
