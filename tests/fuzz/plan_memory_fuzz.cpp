// libFuzzer target: decode_remembered() on arbitrary bytes (a remembered plan is a file in the
// user's runtime directory, and a damaged one must only cost a fresh plan). Besides no crash,
// no out-of-bounds read (ASan) and no undefined behaviour (UBSan), whatever it accepts must
// encode to bytes that decode to the same encoding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "launcher/gather/plan_memory_file.hpp"

namespace {

void check(bool ok) {
    if (!ok) __builtin_trap();  // libFuzzer reports it as a crash and keeps the input
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto decoded = skiff::gather::decode_remembered(bytes);
    if (!decoded) return 0;
    std::string once = skiff::gather::encode_remembered(*decoded);
    auto again = skiff::gather::decode_remembered(once);
    check(again.has_value());
    check(skiff::gather::encode_remembered(*again) == once);
    return 0;
}
