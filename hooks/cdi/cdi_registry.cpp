#include "hooks/cdi/cdi_registry.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "hooks/cdi/spec_file.hpp"

namespace skiff::cdi {
namespace {

struct DirCloser {
    void operator()(DIR* d) const { ::closedir(d); }
};

// The spec files of `dir`, sorted; an error line when it exists and cannot be read.
std::vector<std::string> spec_files(const std::string& dir, std::vector<std::string>& errors) {
    std::unique_ptr<DIR, DirCloser> d(::opendir(dir.c_str()));
    std::vector<std::string> names;
    if (!d) {
        if (errno != ENOENT && errno != ENOTDIR) errors.push_back(dir + ": cannot read: " + std::strerror(errno));
        return names;
    }
    while (dirent* e = ::readdir(d.get())) {
        std::string name = e->d_name;
        if (!name.starts_with(".") && spec_format(name)) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

// The devices one directory defines: name -> definitions (two or more: a conflict).
using DirDevices = std::map<std::pair<std::string, std::string>, std::vector<DeviceRef>>;

void add_spec(CdiRegistry& registry, Spec spec, DirDevices& defined) {
    std::size_t index = registry.specs.size();
    for (std::size_t i = 0; i < spec.devices.size(); ++i)
        defined[{spec.kind, spec.devices[i].name}].push_back({index, i});
    registry.kinds[spec.kind];
    registry.specs.push_back(std::move(spec));
}

void add_file(CdiRegistry& registry, SpecFile file, DirDevices& defined) {
    if (file.spec) return add_spec(registry, std::move(*file.spec), defined);
    if (file.kind.empty()) registry.unreadable.push_back(file.error);
    else registry.kinds[file.kind].errors.push_back(file.error);
}

// A later directory's definitions replace the earlier ones; a conflict drops the name.
void publish(CdiRegistry& registry, const DirDevices& defined) {
    for (const auto& [key, refs] : defined) {
        KindIndex& index = registry.kinds[key.first];
        if (refs.size() == 1) {
            index.devices[key.second] = refs.front();
            index.conflicts.erase(key.second);
            continue;
        }
        index.devices.erase(key.second);
        index.conflicts[key.second] = "defined in both " + registry.specs[refs[0].spec].file + " and " +
                                      registry.specs[refs[1].spec].file + "; CDI drops a device defined twice in one directory";
    }
}

}  // namespace

CdiRegistry load_cdi_registry(const std::vector<std::string>& dirs) {
    CdiRegistry registry;
    registry.dirs = dirs;
    for (const auto& dir : dirs) {
        DirDevices defined;
        registry.read.push_back(dir);
        for (const auto& name : spec_files(dir, registry.unreadable)) {
            std::string path = dir + "/" + name;
            registry.read.push_back(path);
            add_file(registry, read_spec_file(path, *spec_format(name)), defined);
        }
        publish(registry, defined);
    }
    return registry;
}

}  // namespace skiff::cdi
