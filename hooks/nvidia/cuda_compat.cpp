#include "hooks/nvidia/cuda_compat.hpp"

#include <charconv>

namespace skiff::hooks::nvidia {
namespace {

constexpr const char* compat_dir = "/usr/local/cuda/compat";
constexpr const char* libcuda = "libcuda.so.1";

std::vector<long> version_numbers(const std::string& version) {
    std::vector<long> numbers;
    const char* at = version.data();
    const char* end = at + version.size();
    while (at < end && numbers.size() < 8) {
        long n = 0;
        auto [next, ec] = std::from_chars(at, end, n);
        if (ec != std::errc()) break;
        numbers.push_back(n);
        at = next < end && *next == '.' ? next + 1 : end;
    }
    return numbers;
}

// "libcuda.so.575.51.03" (or a path ending so) -> "575.51.03"; "" when the name is not so.
std::string version_in_name(const std::string& target) {
    std::string name = target.substr(target.rfind('/') + 1);
    std::string prefix = "libcuda.so.";
    if (!name.starts_with(prefix) || name.size() == prefix.size()) return "";
    std::string version = name.substr(prefix.size());
    return version.find_first_not_of("0123456789.") == std::string::npos && version.find('.') != std::string::npos
               ? version
               : "";
}

}  // namespace

bool newer_version(const std::string& a, const std::string& b) { return version_numbers(a) > version_numbers(b); }

Result<std::optional<CudaCompat>> newer_cuda_compat(ldcache::FileSource& image, const std::string& host_version) {
    std::string link = std::string(compat_dir) + "/" + libcuda;
    auto target = image.readlink(link);
    if (!target) return Unexpected(target.error());
    if (!*target) return std::optional<CudaCompat>{};
    std::string version = version_in_name(**target);
    if (version.empty() || !newer_version(version, host_version)) return std::optional<CudaCompat>{};
    CudaCompat compat{version, {}};
    for (const char* soname : {"libcuda.so.1", "libnvidia-ptxjitcompiler.so.1", "libnvidia-nvvm.so.4"}) {
        auto path = ldcache::resolve_in_image(image, std::string(compat_dir) + "/" + soname);
        if (!path) return Unexpected(path.error());
        auto present = image.read(*path, 4);
        if (!present) return Unexpected(present.error());
        if (*present) compat.libraries.emplace_back(soname, *path);
    }
    return std::optional<CudaCompat>(std::move(compat));
}

}  // namespace skiff::hooks::nvidia
