// libFuzzer target: read_cache() on arbitrary bytes, for either byte order (ldcache.md §2.8:
// "bounds-check everything and keep a fuzz target"). Besides no crash, no out-of-bounds read
// (ASan) and no undefined behaviour (UBSan), whatever the reader accepts must write back
// (write_cache) and read back as the same entries, in the loader's order, without warnings.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "libfabric-bind/arch.hpp"
#include "libfabric-bind/cache_reader.hpp"
#include "libfabric-bind/cache_sort.hpp"
#include "libfabric-bind/cache_writer.hpp"

namespace {

using skiff::ldcache::ArchInfo;

void check(bool ok) {
    if (!ok) __builtin_trap();  // libFuzzer reports it as a crash and keeps the input
}

void round_trip(std::string_view bytes, const ArchInfo& arch) {
    auto parsed = skiff::ldcache::read_cache(bytes, arch.byte_order, "fuzz");
    if (!parsed) {
        check(parsed.error().message.starts_with("fuzz: "));
        return;
    }
    auto written = skiff::ldcache::write_cache(parsed->entries, arch, {.generator = "fuzz"});
    check(written.has_value());
    auto again = skiff::ldcache::read_cache(*written, arch.byte_order, "rewritten");
    check(again.has_value() && again->warnings.empty());
    auto sorted = parsed->entries;
    skiff::ldcache::sort_entries(sorted, arch.char_signed);
    check(again->entries == sorted);
    check(!skiff::ldcache::first_unsorted(again->entries, arch.char_signed));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    round_trip(bytes, *skiff::ldcache::arch_by_uname("x86_64"));  // little-endian, signed char
    round_trip(bytes, *skiff::ldcache::arch_by_uname("s390x"));   // big-endian, unsigned char
    return 0;
}
