// Ordering the base_environment chain (edf.md §3): a depth-first walk, parents first, each
// file applied once at its first position, at most 10 files deep, cycles reported.
#pragma once

#include <string>
#include <vector>

#include "common/diagnostics.hpp"
#include "launcher/edf/edf.hpp"
#include "launcher/edf/file_data.hpp"
#include "launcher/edf/search.hpp"

namespace skiff::edf {

inline constexpr std::size_t kMaxChainFiles = 10;

struct Chain {
    std::vector<FileData> files;  // in application order; the top file last
    bool complete = true;  // false if a file or parent could not be read, or its image was invalid
};

Chain order_chain(const Located& top, const LoadOptions& options, const std::vector<std::string>& dirs,
                  Diagnostics& diag);

}  // namespace skiff::edf
