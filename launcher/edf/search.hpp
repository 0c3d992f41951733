// Finding an EDF: the EDF_PATH search path and --environment ARG (edf.md §2).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/diagnostics.hpp"
#include "common/env_map.hpp"
#include "common/expected.hpp"

namespace skiff::edf {

using FileId = std::pair<dev_t, ino_t>;  // files are identified by (st_dev, st_ino)

struct Located {
    std::string path;  // absolute, as spelled (not canonicalised)
    FileId id{};
};

struct LocateError {
    bool is_name = false;   // ARG was a search name (not found on the search path)
    std::string reason;     // for paths: strerror text, or "not a regular file"
    std::string suggestion; // "x.toml" missing here but found there: that path
};

// EDF_PATH (colon-separated, replaces the default) or ${HOME}/.edf. Relative entries are
// skipped with a warning; empty entries are ignored.
std::vector<std::string> search_path(const EnvMap& host_env, Diagnostics& diag);

// Resolves ARG: "/x" a file; contains '/' or ends in ".toml" a path relative to cwd;
// otherwise the first <dir>/<ARG>.toml that is a regular file.
Expected<Located, LocateError> locate(std::string_view arg, std::string_view cwd,
                                      const std::vector<std::string>& dirs);

// The message for --environment ARG, and for a base_environment entry at `where`.
std::string describe_top_level(std::string_view arg, const LocateError& error, const std::vector<std::string>& dirs);
std::string describe_parent(std::string_view where, std::string_view arg, const LocateError& error,
                            const std::vector<std::string>& dirs);

}  // namespace skiff::edf
