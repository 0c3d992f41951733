// Which C library a squashfs image uses (libfabric-bind/libc_detect.hpp), cached beside its
// facts (facts_cache.hpp) for the command it was detected for. Detecting it reads the image's
// loader and libc.so.6 whole, about 2 MB of decompression and 17 ms on a gzip image, on every
// launch that injects libraries (a GPU, the network hooks); the cache costs one small read.
// The file name carries the image's identity, so a rewritten image never uses a stale entry.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "launcher/image/local.hpp"
#include "libfabric-bind/libc_detect.hpp"

namespace skiff::gather {

std::string encode_libc(const std::string& command, const ldcache::LibcInfo& libc);
// nullopt: not a valid entry, or one for another command.
std::optional<ldcache::LibcInfo> decode_libc(std::string_view bytes, const std::string& command);

// `command`: the command's first word ("" for none), which the detection depends on. An empty
// `cache_dir` or a directory image has no entry.
std::optional<ldcache::LibcInfo> load_cached_libc(const std::string& cache_dir, const image::ImageSource& image,
                                                  const std::string& command);
// Best effort, as store_cached_facts.
void store_cached_libc(const std::string& cache_dir, const image::ImageSource& image, const std::string& command,
                       const ldcache::LibcInfo& libc);

}  // namespace skiff::gather
