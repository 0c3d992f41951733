// libFuzzer target: ProbeMemo::decode() on arbitrary bytes (the memo is a file in the user's
// runtime directory, and a damaged one must only cost time). Besides no crash, no out-of-bounds
// read (ASan) and no undefined behaviour (UBSan), whatever it accepts must encode to bytes that
// decode to the same entries.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "libfabric-bind/probe_memo.hpp"

namespace {

void check(bool ok) {
    if (!ok) __builtin_trap();  // libFuzzer reports it as a crash and keeps the input
}

// The encoded entries in a canonical order (a memo's entries have none).
std::vector<std::string> sorted_lines(const std::string& encoded) {
    std::vector<std::string> lines;
    std::stringstream in(encoded);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    std::sort(lines.begin(), lines.end());
    return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    std::string once = skiff::ldcache::ProbeMemo::decode(bytes).encode();
    std::string twice = skiff::ldcache::ProbeMemo::decode(once).encode();
    check(once.size() == twice.size());
    check(sorted_lines(once) == sorted_lines(twice));
    return 0;
}
