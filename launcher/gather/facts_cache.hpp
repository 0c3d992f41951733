// Image facts (metadata, /etc/passwd, /etc/group) of a squashfs image, cached per image
// identity in skiff's runtime directory. Reading them from the image costs a launch about
// 2 ms of decompression (gzip) before anything else can start; the cache costs one small
// read. The identity (device, inode, size, mtime) changes whenever the file is replaced or
// rewritten, so a stale entry is never used; directory images are never cached, as their
// files may change at any time.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "launcher/image/local.hpp"
#include "launcher/plan/planner.hpp"

namespace skiff::gather {

std::string encode_facts(const plan::ImageFacts& facts);
std::optional<plan::ImageFacts> decode_facts(std::string_view bytes);  // nullopt: not a valid entry

// The cache file of an image inside `cache_dir`.
std::string facts_cache_file(const std::string& cache_dir, const image::ImageSource& image);

std::optional<plan::ImageFacts> load_cached_facts(const std::string& cache_dir, const image::ImageSource& image);

// Best effort: an entry that cannot be written is simply read from the image next time.
void store_cached_facts(const std::string& cache_dir, const image::ImageSource& image, const plan::ImageFacts& facts);

}  // namespace skiff::gather
