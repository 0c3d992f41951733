// The NVIDIA driver's /proc files: the version line and each GPU's information file.
#include "hooks/nvidia/driver_info.hpp"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace skiff::hooks::nvidia {
namespace {

constexpr const char* h200_information =
    "Model: \t\t NVIDIA H200\nIRQ:   \t\t 170\nGPU UUID: \t\t GPU-5c1e2d3f-0000-1111-2222-333344445555\n"
    "Video BIOS: \t\t 96.00.99.00.01\nBus Type: \t\t PCIe\nDMA Size: \t\t 52 bits\nDMA Mask: \t\t 0xfffffffffffff\n"
    "Bus Location: \t\t 0000:19:00.0\nDevice Minor: \t\t 3\nGPU Excluded:\t\t No\n";

TEST(NvidiaDriverInfo, VersionFromTheFirstLine) {
    EXPECT_EQ(parse_driver_version("NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15  Tue Mar  5 22:23:56 UTC 2024\n"
                                   "GCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n"),
              "550.54.15");
    EXPECT_EQ(parse_driver_version("NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  570.86.15  Release Build\n"),
              "570.86.15");
    EXPECT_FALSE(parse_driver_version("NVRM version: unknown\nGCC version: 12.2.0\n")) << "only the first line counts";
    EXPECT_FALSE(parse_driver_version(""));
    EXPECT_FALSE(parse_driver_version("NVRM 1. 2.x .5"));
}

TEST(NvidiaDriverInfo, GpuInformation) {
    auto gpu = parse_gpu_information(h200_information, "0000:19:00.0");
    ASSERT_TRUE(gpu);
    EXPECT_EQ(gpu->minor, 3);
    EXPECT_EQ(gpu->uuid, "GPU-5c1e2d3f-0000-1111-2222-333344445555");
    EXPECT_EQ(gpu->model, "NVIDIA H200");
    EXPECT_EQ(gpu->bus, "0000:19:00.0");
}

TEST(NvidiaDriverInfo, HostileMinorsAreRefused) {
    for (const char* minor : {"", "-1", "255", "3x", " ", "99999999999999999999", "0x3"})
        EXPECT_FALSE(parse_gpu_information(std::string("Device Minor: \t") + minor + "\n", "b")) << minor;
    EXPECT_FALSE(parse_gpu_information("Model: x\n", "b")) << "no minor";
}

TEST(NvidiaDriverInfo, ReadsATreeInBusOrder) {
    test::TempDir proc("nvidia-proc");
    proc.write_file("version", "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15  x\n");
    proc.write_file("gpus/0000:3b:00.0/information", "GPU UUID: GPU-b\nDevice Minor: 0\n");
    proc.write_file("gpus/0000:19:00.0/information", "GPU UUID: GPU-a\nDevice Minor: 1\n");
    auto info = read_driver_info(proc.path());
    ASSERT_TRUE(info) << info.error().message;
    ASSERT_TRUE(*info);
    EXPECT_EQ((*info)->version, "550.54.15");
    ASSERT_EQ((*info)->gpus.size(), 2u);
    EXPECT_EQ((*info)->gpus[0].uuid, "GPU-a") << "NVML index 0 is the lowest bus location";
    EXPECT_EQ((*info)->gpus[1].minor, 0);
}

TEST(NvidiaDriverInfo, NoDriverAndBrokenFiles) {
    test::TempDir proc("nvidia-none");
    auto none = read_driver_info(proc.path());
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);
    proc.write_file("version", "garbage\n");
    auto bad = read_driver_info(proc.path());
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "nvidia hook: no driver version in '" + proc.path() + "/version'");
    proc.write_file("version", "NVRM version: 550.54.15\n");
    proc.write_file("gpus/0000:01:00.0/information", "Device Minor: many\n");
    auto gpu = read_driver_info(proc.path());
    ASSERT_FALSE(gpu);
    EXPECT_EQ(gpu.error().message, "nvidia hook: no device minor in '" + proc.path() + "/gpus/0000:01:00.0/information'");
}

}  // namespace
}  // namespace skiff::hooks::nvidia
