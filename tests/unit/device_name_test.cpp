// Device requests: CDI names and /dev paths (common/device_name.hpp).
#include "common/device_name.hpp"

#include <gtest/gtest.h>

namespace skiff {
namespace {

TEST(DeviceName, CdiNamesSplitIntoVendorClassAndName) {
    auto name = parse_cdi_name("nvidia.com/gpu=GPU-4a5b:1");
    ASSERT_TRUE(name);
    EXPECT_EQ(name->vendor, "nvidia.com");
    EXPECT_EQ(name->cls, "gpu");
    EXPECT_EQ(name->name, "GPU-4a5b:1");
    EXPECT_EQ(name->kind(), "nvidia.com/gpu");
    EXPECT_TRUE(parse_cdi_name("vendor.example/class_x-1=0"));
    EXPECT_TRUE(parse_cdi_name("nvidia.com/gpu=all"));
}

TEST(DeviceName, CdiNameRulesOfTheSpec) {
    for (const char* bad : {"nvidia.com/gpu", "nvidia.com=0", "=0", "/gpu=0", "nvidia.com/=0", "nvidia.com/gpu=",
                            "1vendor/gpu=0", "vendor/1gpu=0", "vendor./gpu=0", "vendor/gpu-=0", "vendor/gpu=-0",
                            "vendor/gpu=0-", "ven dor/gpu=0", "vendor/g/pu=0", "vendor/gpu=0=1", "vendor/gpu=a/b"})
        EXPECT_FALSE(parse_cdi_name(bad)) << bad;
}

TEST(DeviceName, RequestsAreCdiNamesOrDevPaths) {
    EXPECT_EQ(device_request_problem("/dev/fuse"), "");
    EXPECT_EQ(device_request_problem("/dev/infiniband/uverbs0"), "");
    EXPECT_EQ(device_request_problem("nvidia.com/gpu=0"), "");
    EXPECT_EQ(device_request_problem("/etc/passwd"), "device '/etc/passwd' is not a path under /dev");
    EXPECT_EQ(device_request_problem("/dev/"), "device '/dev/' is not a path under /dev");
    EXPECT_EQ(device_request_problem("/dev/../etc/shadow"), "device '/dev/../etc/shadow' contains '..'");
    EXPECT_EQ(device_request_problem("gpu0"),
              "'gpu0' is neither a CDI device name (vendor/class=name, e.g. nvidia.com/gpu=0) nor a /dev path");
}

}  // namespace
}  // namespace skiff
