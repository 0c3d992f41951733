#include "libfabric-bind/arch.hpp"

#include <array>

namespace skiff::ldcache {
namespace {

using std::endian;

// ldcache.md §1.3. Flags: FLAG_ELF_LIBC6 (3) | FLAG_<ABI> (glibc sysdeps/generic/ldconfig.h):
// X8664_LIB64 0x0300, AARCH64_LIB64 0x0a00, POWERPC_LIB64 0x0500, S390_LIB64 0x0400,
// RISCV_FLOAT_ABI_DOUBLE 0x1000.
constexpr std::array<ArchInfo, 5> kArchs{{
    {"x86_64", 62, endian::little, 0x0303, true, "/lib64/ld-linux-x86-64.so.2",
     "/lib/ld-musl-x86_64.so.1", "x86_64", "x86_64-linux-gnu", true},
    {"aarch64", 183, endian::little, 0x0a03, false, "/lib/ld-linux-aarch64.so.1",
     "/lib/ld-musl-aarch64.so.1", "aarch64", "aarch64-linux-gnu", true},
    {"ppc64le", 21, endian::little, 0x0503, false, "/lib64/ld64.so.2",
     "/lib/ld-musl-powerpc64le.so.1", "powerpc64le", "powerpc64le-linux-gnu", false},
    {"s390x", 22, endian::big, 0x0403, false, "/lib/ld64.so.1", "/lib/ld-musl-s390x.so.1",
     "s390x", "s390x-linux-gnu", false},
    {"riscv64", 243, endian::little, 0x1003, false, "/lib/ld-linux-riscv64-lp64d.so.1",
     "/lib/ld-musl-riscv64.so.1", "riscv64", "riscv64-linux-gnu", false},
}};

}  // namespace

std::span<const ArchInfo> all_archs() { return kArchs; }

const ArchInfo* arch_by_uname(std::string_view uname) {
    for (const auto& a : kArchs)
        if (a.uname == uname) return &a;
    return nullptr;
}

const ArchInfo* arch_by_elf(std::uint16_t e_machine, bool is_64bit, std::endian order) {
    if (!is_64bit) return nullptr;  // 32-bit libraries are never injected (§1.3)
    for (const auto& a : kArchs)
        if (a.e_machine == e_machine && a.byte_order == order) return &a;
    return nullptr;
}

const ArchInfo* arch_by_cache_flags(std::int32_t flags) {
    for (const auto& a : kArchs)
        if (a.cache_flags == flags) return &a;
    return nullptr;
}

const ArchInfo& host_arch() {
#if defined(__x86_64__)
    return kArchs[0];
#elif defined(__aarch64__)
    return kArchs[1];
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return kArchs[2];
#elif defined(__s390x__)
    return kArchs[3];
#elif defined(__riscv) && __riscv_xlen == 64
    return kArchs[4];
#else
#error "unknown host architecture: add it to the table of ldcache.md §1.3"
#endif
}

Result<void> check_target(const ArchInfo& image, const ArchInfo& node) {
    if (&image != &node && image.uname != node.uname)
        return fail("image is " + std::string(image.uname) + ", node is " + std::string(node.uname) +
                    "; skiff does not run foreign-architecture images");
    if (!image.supported)
        return fail("architecture " + std::string(image.uname) +
                    " is not supported by the linker configuration writer yet");
    return {};
}

std::vector<std::string> default_lib_dirs(const ArchInfo& arch) {
    std::string multi(arch.multiarch);
    return {"/lib/" + multi, "/usr/lib/" + multi, "/lib64", "/usr/lib64", "/lib", "/usr/lib"};
}

}  // namespace skiff::ldcache
