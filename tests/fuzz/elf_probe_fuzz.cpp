// libFuzzer target: the ELF prober (ldcache.md §1.2) on arbitrary bytes, in memory (probe,
// probe_header) and from a file read page by page (probe_fd on a memfd). Besides no crash, no
// out-of-bounds read (ASan) and no undefined behaviour (UBSan), the two readings must agree
// exactly: the same result or the same error message.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "libfabric-bind/elf_probe.hpp"

namespace {

void check(bool ok) {
    if (!ok) __builtin_trap();  // libFuzzer reports it as a crash and keeps the input
}

std::string describe(const skiff::Result<skiff::elf::ElfInfo>& r) {
    if (!r) return "error: " + r.error().message;
    std::ostringstream s;
    s << r->is_64bit << (r->byte_order == std::endian::little) << r->type << '/' << r->machine << '/'
      << r->flags << '/' << r->interp.value_or("-") << '/' << r->has_dynamic << '/'
      << r->soname.value_or("-") << '/' << r->x86_isa_needed.value_or(0) << '/'
      << r->version_base.value_or("-");
    for (const auto& n : r->needed) s << " n:" << n;
    for (const auto& n : r->version_needs) {
        s << " v:" << n.file;
        for (const auto& v : n.versions) s << ',' << v;
    }
    for (const auto& d : r->version_defs) s << " d:" << d;
    return s.str();
}

// One memfd for the whole run, rewritten for each input.
int input_file(std::string_view bytes) {
    static int fd = ::memfd_create("elf-fuzz", MFD_CLOEXEC);
    check(fd >= 0 && ::ftruncate(fd, 0) == 0);
    check(::pwrite(fd, bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size()));
    return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    int fd = input_file(bytes);
    for (const skiff::elf::ProbeOptions& options :
         {skiff::elf::ProbeOptions{}, skiff::elf::ProbeOptions{.versions = false, .needed = false}}) {
        auto whole = skiff::elf::probe(bytes, "fuzz", options);
        auto paged = skiff::elf::probe_fd(fd, "fuzz", options);
        check(describe(whole) == describe(paged));
    }
    (void)skiff::elf::probe_header(bytes, "fuzz");
    return 0;
}
