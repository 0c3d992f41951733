#include "libfabric-bind/remembering_file_source.hpp"

namespace skiff::ldcache {

Result<std::optional<std::string>> RememberingFileSource::read(const std::string& path, std::size_t limit) {
    if (!remembered_.contains(path)) return inner_->read(path, limit);
    auto key = std::make_pair(path, limit);
    auto found = reads_.find(key);
    if (found == reads_.end()) found = reads_.emplace(key, inner_->read(path, limit)).first;
    return found->second;
}

}  // namespace skiff::ldcache
