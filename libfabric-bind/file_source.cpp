#include "libfabric-bind/file_source.hpp"

#include <deque>

namespace skiff::ldcache {
namespace {

constexpr int kMaxLinks = 40;  // Linux's MAXSYMLINKS

std::deque<std::string> split(const std::string& path) {
    std::deque<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        if (end > start) parts.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

std::string join(const std::vector<std::string>& done) {
    std::string out;
    for (const auto& p : done) out += "/" + p;
    return out.empty() ? "/" : out;
}

}  // namespace

Result<std::string> resolve_in_image(FileSource& image, const std::string& path) {
    std::vector<std::string> done;  // resolved components, no symlinks among them
    std::deque<std::string> todo = split(path);
    int links = 0;
    while (!todo.empty()) {
        std::string part = std::move(todo.front());
        todo.pop_front();
        if (part == ".") continue;
        if (part == "..") {
            if (!done.empty()) done.pop_back();
            continue;
        }
        done.push_back(part);
        auto target = image.readlink(join(done));
        if (!target) return Unexpected(target.error());
        if (!*target) continue;
        if (++links > kMaxLinks) return fail("too many levels of symbolic links in '" + path + "'");
        done.pop_back();
        if (!(*target)->empty() && (**target)[0] == '/') done.clear();
        auto more = split(**target);
        todo.insert(todo.begin(), more.begin(), more.end());
    }
    return join(done);
}

}  // namespace skiff::ldcache
