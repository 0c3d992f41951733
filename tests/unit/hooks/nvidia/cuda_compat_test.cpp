// CUDA forward compatibility: the image's /usr/local/cuda/compat wins only when it is newer.
#include "hooks/nvidia/cuda_compat.hpp"

#include <gtest/gtest.h>

#include "tests/unit/ldcache/ldcache_test_support.hpp"

namespace skiff::hooks::nvidia {
namespace {

// cuda-compat as NVIDIA packages it: /usr/local/cuda -> cuda-12.9, links to versioned files.
ldtest::MemorySource compat_image(const std::string& version) {
    ldtest::MemorySource image;
    image.links["/usr/local/cuda"] = "cuda-12.9";
    image.links["/usr/local/cuda-12.9/compat/libcuda.so.1"] = "libcuda.so." + version;
    image.files["/usr/local/cuda-12.9/compat/libcuda.so." + version] = "\x7f" "ELF";
    image.links["/usr/local/cuda-12.9/compat/libnvidia-ptxjitcompiler.so.1"] = "libnvidia-ptxjitcompiler.so." + version;
    image.files["/usr/local/cuda-12.9/compat/libnvidia-ptxjitcompiler.so." + version] = "\x7f" "ELF";
    return image;
}

TEST(NvidiaCudaCompat, VersionsCompareNumberByNumber) {
    EXPECT_TRUE(newer_version("575.51.03", "550.54.15"));
    EXPECT_TRUE(newer_version("550.100", "550.54.15"));
    EXPECT_FALSE(newer_version("550.54.15", "550.54.15"));
    EXPECT_FALSE(newer_version("535.183.01", "550.54.15"));
    EXPECT_TRUE(newer_version("550.54.15.1", "550.54.15"));
}

TEST(NvidiaCudaCompat, ANewerCompatPackageWins) {
    auto image = compat_image("575.51.03");
    auto compat = newer_cuda_compat(image, "550.54.15");
    ASSERT_TRUE(compat) << compat.error().message;
    ASSERT_TRUE(*compat);
    EXPECT_EQ((*compat)->version, "575.51.03");
    EXPECT_EQ((*compat)->libraries,
              (std::vector<std::pair<std::string, std::string>>{
                  {"libcuda.so.1", "/usr/local/cuda-12.9/compat/libcuda.so.575.51.03"},
                  {"libnvidia-ptxjitcompiler.so.1", "/usr/local/cuda-12.9/compat/libnvidia-ptxjitcompiler.so.575.51.03"}}))
        << "libnvidia-nvvm.so.4 is not in this package";
}

TEST(NvidiaCudaCompat, AnOlderOrAbsentOrOddOneDoesNot) {
    auto older = compat_image("535.183.01");
    auto r = newer_cuda_compat(older, "550.54.15");
    ASSERT_TRUE(r);
    EXPECT_FALSE(*r);
    ldtest::MemorySource none;
    auto absent = newer_cuda_compat(none, "550.54.15");
    ASSERT_TRUE(absent);
    EXPECT_FALSE(*absent);
    ldtest::MemorySource odd;
    odd.links["/usr/local/cuda/compat/libcuda.so.1"] = "../../../../etc/passwd";
    auto hostile = newer_cuda_compat(odd, "550.54.15");
    ASSERT_TRUE(hostile);
    EXPECT_FALSE(*hostile) << "a link that names no libcuda version is no compat package";
}

}  // namespace
}  // namespace skiff::hooks::nvidia
