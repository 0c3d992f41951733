// The skiff binary is a static PIE (launcher/cli/CMakeLists.txt): no dynamic loader runs before
// a launch. (Sanitizer builds link it dynamically; the ns tier runs on the normal build.)
#include "libfabric-bind/elf_probe.hpp"
#include "tests/support/host.hpp"

namespace skiff::test {
namespace {

TEST(StaticBinary, SkiffNeedsNoDynamicLoaderAndNoSharedLibrary) {
    auto info = elf::probe_file(skiff_binary());
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(info->type, elf::kEtDyn) << "a PIE, so the kernel still places it at a random address";
    EXPECT_FALSE(info->interp) << "PT_INTERP " << *info->interp;
    EXPECT_EQ(info->needed, std::vector<std::string>{});
}

}  // namespace
}  // namespace skiff::test
