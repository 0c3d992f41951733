// NVIDIA_DRIVER_CAPABILITIES: which libraries, programs and nodes each capability brings.
#include "hooks/nvidia/driver_files.hpp"

#include <algorithm>

#include <gtest/gtest.h>

namespace skiff::hooks::nvidia {
namespace {

bool has(const std::vector<std::string_view>& list, std::string_view item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

TEST(NvidiaDriverFiles, DefaultIsComputeAndUtility) {
    auto files = files_for_capabilities("");
    ASSERT_TRUE(files);
    EXPECT_TRUE(is_driver_library(*files, "libcuda.so.1"));
    EXPECT_TRUE(is_driver_library(*files, "libnvidia-ml.so.1"));
    EXPECT_TRUE(is_driver_library(*files, "libnvidia-pkcs11-openssl3.so.550.54.15"));
    EXPECT_FALSE(is_driver_library(*files, "libnvidia-encode.so.1")) << "video";
    EXPECT_FALSE(is_driver_library(*files, "libcudart.so.12")) << "the CUDA runtime is the image's";
    EXPECT_FALSE(is_driver_library(*files, "libcuda")) << "no .so";
    EXPECT_TRUE(has(files->programs, "nvidia-smi"));
    EXPECT_TRUE(has(files->programs, "nvidia-cuda-mps-control"));
    EXPECT_TRUE(has(files->devices, "nvidia-uvm"));
    EXPECT_FALSE(has(files->devices, "nvidia-modeset"));
}

TEST(NvidiaDriverFiles, UtilityAloneHasNoCuda) {
    auto files = files_for_capabilities("utility");
    ASSERT_TRUE(files);
    EXPECT_FALSE(is_driver_library(*files, "libcuda.so.1"));
    EXPECT_TRUE(files->devices.empty());
}

TEST(NvidiaDriverFiles, AllAndUnknown) {
    auto all = files_for_capabilities("all");
    ASSERT_TRUE(all);
    EXPECT_TRUE(is_driver_library(*all, "libGLX_nvidia.so.0"));
    EXPECT_TRUE(has(all->devices, "nvidia-modeset"));
    EXPECT_TRUE(files_for_capabilities("compute,compat32,ngx"));
    auto bad = files_for_capabilities("compute,gpu");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "NVIDIA_DRIVER_CAPABILITIES: unknown capability 'gpu'; known: utility, compute, "
                                   "video, graphics, display, all");
}

}  // namespace
}  // namespace skiff::hooks::nvidia
