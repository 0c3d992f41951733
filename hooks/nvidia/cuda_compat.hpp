// CUDA forward compatibility (gpu.md §4): an image with NVIDIA's cuda-compat package carries a
// newer libcuda (and its JIT libraries) in /usr/local/cuda/compat than the host's driver. Where
// the image's is newer, it wins, as with NVIDIA's toolkit; otherwise the host's does. Read
// through the image's files only (never executed): the version is the one in the name the
// package's libcuda.so.1 link points at. Left out: the ELF note that limits a compat package to
// some driver branches; CUDA reports its own error (804) on a GPU that does not support it.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "libfabric-bind/file_source.hpp"

namespace skiff::hooks::nvidia {

struct CudaCompat {
    std::string version;                                       // "575.51.03"
    std::vector<std::pair<std::string, std::string>> libraries;  // soname -> container path
};

// Whether `a` is a newer driver version than `b` ("575.51.03" > "550.54.15"), number by number.
bool newer_version(const std::string& a, const std::string& b);

// The image's compat libraries when they are newer than `host_version`; nullopt otherwise.
Result<std::optional<CudaCompat>> newer_cuda_compat(ldcache::FileSource& image, const std::string& host_version);

}  // namespace skiff::hooks::nvidia
