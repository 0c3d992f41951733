#include "launcher/gather/linker_inputs.hpp"

#include <dirent.h>

#include <memory>

namespace skiff::gather {
namespace {

class Collector {
public:
    // `dir` and every entry in it; false once there are too many.
    bool add_dir(const std::string& dir, std::vector<std::string>* subdirs) {
        if (!add(dir)) return false;
        std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
        if (!d) return true;  // absent or unreadable: its own identity says so
        while (dirent* e = ::readdir(d.get())) {
            std::string_view name = e->d_name;
            if (name == "." || name == "..") continue;
            if (!add(dir + "/" + std::string(name))) return false;
            if (subdirs) subdirs->push_back(paths.back());
        }
        return true;
    }
    std::vector<std::string> paths;

private:
    bool add(std::string path) {
        if (paths.size() >= max_linker_inputs) return false;
        paths.push_back(std::move(path));
        return true;
    }
};

}  // namespace

Result<std::vector<std::string>> linker_inputs(const std::vector<ldcache::InjectedDir>& dirs) {
    Collector inputs;
    for (const auto& dir : dirs) {
        std::vector<std::string> hwcaps;
        bool fits = inputs.add_dir(dir.host_path, nullptr) && inputs.add_dir(dir.host_path + "/glibc-hwcaps", &hwcaps);
        for (std::size_t i = 0; fits && i < hwcaps.size(); ++i) fits = inputs.add_dir(hwcaps[i], nullptr);
        if (!fits)
            return fail("the injected library directories hold more than " + std::to_string(max_linker_inputs) +
                        " entries");
    }
    return std::move(inputs.paths);
}

}  // namespace skiff::gather
