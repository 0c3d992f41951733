#include "libfabric-bind/cache_sort.hpp"

#include <algorithm>
#include <cstring>

namespace skiff::ldcache {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int byte_value(char c, bool char_signed) {
    return char_signed ? static_cast<int>(static_cast<signed char>(c))
                       : static_cast<int>(static_cast<unsigned char>(c));
}

int sign(int v) { return (v > 0) - (v < 0); }

std::size_t run_end(std::string_view s, std::size_t i) {
    while (i < s.size() && is_digit(s[i])) ++i;
    return i;
}

std::string_view strip_zeros(std::string_view run) {
    while (!run.empty() && run.front() == '0') run.remove_prefix(1);
    return run;
}

// Exact numeric comparison of two digit runs of any length. glibc computes them in `int`; the
// results agree for runs of up to 9 digits, which is all that injected keys may have.
int compare_runs(std::string_view a, std::string_view b) {
    a = strip_zeros(a);
    b = strip_zeros(b);
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return sign(a.compare(b));
}

}  // namespace

int libcmp(std::string_view a, std::string_view b, bool char_signed) {
    // Equal leading bytes compare equal, except that a digit run cut by the first difference
    // must be compared as a number from its start: skip the common prefix, then back up to
    // the start of that run. Runs before it are identical in both, so both strings are at i.
    auto diff = std::mismatch(a.begin(), a.end(), b.begin(), b.end()).first;
    std::size_t i = static_cast<std::size_t>(diff - a.begin());
    while (i > 0 && is_digit(a[i - 1])) --i;
    std::size_t j = i;
    while (i < a.size()) {
        char cb = j < b.size() ? b[j] : '\0';
        if (is_digit(a[i])) {
            if (!is_digit(cb)) return 1;
            std::size_t ie = run_end(a, i), je = run_end(b, j);
            int c = compare_runs(a.substr(i, ie - i), b.substr(j, je - j));
            if (c != 0) return c;
            i = ie;
            j = je;
            continue;
        }
        if (is_digit(cb)) return -1;
        if (a[i] != cb) return sign(byte_value(a[i], char_signed) - byte_value(cb, char_signed));
        ++i;
        ++j;
    }
    char cb = j < b.size() ? b[j] : '\0';
    return sign(-byte_value(cb, char_signed));
}

std::uint64_t libcmp_hash(std::string_view s) {
    std::uint64_t h = 14695981039346656037ULL;
    auto add = [&h](char c) { h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL; };
    std::size_t i = 0;
    while (i < s.size()) {
        if (!is_digit(s[i])) {
            add(s[i++]);
            continue;
        }
        std::size_t end = run_end(s, i);
        std::string_view run = strip_zeros(s.substr(i, end - i));
        if (run.empty()) add('0');
        for (char c : run) add(c);
        i = end;
    }
    return h;
}

std::size_t longest_digit_run(std::string_view s) {
    std::size_t best = 0;
    for (std::size_t i = 0; i < s.size();) {
        if (!is_digit(s[i])) {
            ++i;
            continue;
        }
        std::size_t end = run_end(s, i);
        best = std::max(best, end - i);
        i = end;
    }
    return best;
}

bool entry_before(const CacheEntry& a, const CacheEntry& b, bool char_signed) {
    int c = libcmp(a.key, b.key, char_signed);
    if (c != 0) return c > 0;  // descending
    if (a.flags != b.flags) return a.flags > b.flags;
    if (a.hwcaps.has_value() != b.hwcaps.has_value()) return a.hwcaps.has_value();
    if (a.hwcaps && b.hwcaps) return std::strcmp(a.hwcaps->c_str(), b.hwcaps->c_str()) < 0;
    return false;
}

void sort_entries(std::vector<CacheEntry>& entries, bool char_signed) {
    std::stable_sort(entries.begin(), entries.end(),
                     [char_signed](const CacheEntry& a, const CacheEntry& b) {
                         return entry_before(a, b, char_signed);
                     });
}

std::optional<std::size_t> first_unsorted(const std::vector<CacheEntry>& entries, bool char_signed) {
    for (std::size_t i = 1; i < entries.size(); ++i)
        if (entry_before(entries[i], entries[i - 1], char_signed)) return i;
    return std::nullopt;
}

}  // namespace skiff::ldcache
