#include "launcher/edf/merge.hpp"

namespace skiff::edf {
namespace {

template <class T>
void take_if_present(std::optional<T>& from, T& to) {
    if (from) to = std::move(*from);
}

template <class T>
void take_if_present(std::optional<T>& from, std::optional<T>& to) {
    if (from) to = std::move(from);
}

void merge_map(std::map<std::string, Text>& from, std::map<std::string, Text>& to) {
    for (auto& [key, value] : from) to.insert_or_assign(key, std::move(value));
}

}  // namespace

Merged merge(std::vector<FileData> files) {
    Merged merged;
    for (FileData& file : files) {
        take_if_present(file.image, merged.image);
        take_if_present(file.workdir, merged.workdir);
        take_if_present(file.entrypoint, merged.entrypoint);
        take_if_present(file.writable, merged.writable);
        for (Text& mount : file.mounts) merged.mounts.push_back(std::move(mount));
        for (Text& device : file.devices) merged.devices.push_back(std::move(device));
        merge_map(file.env, merged.env);
        merge_map(file.annotations, merged.annotations);
        merged.files.push_back(file.path);
    }
    return merged;
}

}  // namespace skiff::edf
