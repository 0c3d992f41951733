// A FileSource that reads some paths through another only once. One launch that injects
// libraries reads the image's /etc/ld.so.cache three times through the same source: to find
// libc.so.6 (libc_detect), for the hooks' ABI checks and for the merge (linker_config); from a
// squashfs image each read decompresses it again.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "libfabric-bind/file_source.hpp"

namespace skiff::ldcache {

class RememberingFileSource : public FileSource {
public:
    // Reads of `remembered` paths are kept (per limit, errors included); others pass through.
    RememberingFileSource(std::unique_ptr<FileSource> inner, std::set<std::string> remembered)
        : inner_(std::move(inner)), remembered_(std::move(remembered)) {}

    Result<std::optional<std::string>> read(const std::string& path, std::size_t limit) override;
    Result<std::optional<std::string>> readlink(const std::string& path) override { return inner_->readlink(path); }

private:
    std::unique_ptr<FileSource> inner_;
    std::set<std::string> remembered_;
    std::map<std::pair<std::string, std::size_t>, Result<std::optional<std::string>>> reads_;
};

}  // namespace skiff::ldcache
