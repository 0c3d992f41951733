// The loader's comparator and the entry order (ldcache.md §2.6).
#include <gtest/gtest.h>

#include "libfabric-bind/cache_sort.hpp"
#include "tests/unit/ldcache/ldcache_test_support.hpp"

namespace skiff::ldcache {
namespace {

// Equal for two keys exactly when libcmp() says they are: digit runs lose their leading zeros
// ("libfoo.so.01" -> "libfoo.so.1"). libcmp_hash() hashes this without building it.
std::string libcmp_key(std::string_view s) {
    auto digit = [&](std::size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; };
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        if (!digit(i)) {
            out += s[i++];
            continue;
        }
        std::size_t end = i;
        while (digit(end)) ++end;
        while (i + 1 < end && s[i] == '0') ++i;
        out.append(s.substr(i, end - i));
        i = end;
    }
    return out;
}

// The comparison as ldcache.md §2.6 describes glibc's, with glibc's int arithmetic, used as the
// reference for keys whose digit runs fit in 9 digits.
int reference_libcmp(const std::string& sa, const std::string& sb, bool sgn) {
    auto v = [sgn](char c) { return sgn ? int(static_cast<signed char>(c)) : int(static_cast<unsigned char>(c)); };
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    const char* a = sa.c_str();
    const char* b = sb.c_str();
    while (*a) {
        if (digit(*a)) {
            if (!digit(*b)) return 1;
            int x = 0, y = 0;
            while (digit(*a)) x = x * 10 + (*a++ - '0');
            while (digit(*b)) y = y * 10 + (*b++ - '0');
            if (x != y) return x - y;
        } else if (digit(*b)) {
            return -1;
        } else if (*a != *b) {
            return v(*a) - v(*b);
        } else {
            ++a;
            ++b;
        }
    }
    return v(*a) - v(*b);
}

int sign(int v) { return (v > 0) - (v < 0); }

TEST(LdcacheSort, NumbersCompareNumerically) {
    EXPECT_GT(libcmp("libfoo.so.10", "libfoo.so.9", true), 0);
    EXPECT_LT(libcmp("libfoo.so.9", "libfoo.so.10", true), 0);
    EXPECT_EQ(libcmp("libfoo.so.01", "libfoo.so.1", true), 0);
    EXPECT_EQ(libcmp("libfoo.so.0", "libfoo.so.000", true), 0);
    EXPECT_LT(libcmp("libfoo.so.1.2", "libfoo.so.1.10", true), 0);
    EXPECT_EQ(libcmp("x", "x", true), 0);
}

TEST(LdcacheSort, DigitsOutrankNonDigitsAndTheEnd) {
    EXPECT_GT(libcmp("libfoo.so.1", "libfoo.so.", true), 0);   // digit vs end of b
    EXPECT_GT(libcmp("lib1", "libz", true), 0);               // digit vs letter
    EXPECT_LT(libcmp("libz", "lib1", true), 0);
    EXPECT_LT(libcmp("libfoo.so", "libfoo.so.1", true), 0);   // a ends first
    EXPECT_GT(libcmp("libfoo.so.1", "libfoo.so", true), 0);
    EXPECT_LT(libcmp("", "a", true), 0);
    EXPECT_EQ(libcmp("", "", true), 0);
}

TEST(LdcacheSort, PlainCharSignednessMattersForNonAscii) {
    std::string high = "lib\xc3\xa9.so.1";  // "libé.so.1": 0xc3 is negative as a signed char
    EXPECT_LT(libcmp(high, "libz.so.1", true), 0);   // x86: signed
    EXPECT_GT(libcmp(high, "libz.so.1", false), 0);  // aarch64: unsigned
    EXPECT_LT(libcmp("libz", "libz\x80", false), 0);
    EXPECT_GT(libcmp("libz", "libz\x80", true), 0);  // end (0) > -128 when signed
}

TEST(LdcacheSort, MatchesTheReferenceOnRandomKeys) {
    const std::string alphabet = "ab.-_+019\x80\xe9";
    ldtest::Lcg rng{1};
    auto next = [&] { return rng.next(); };
    auto random_key = [&] {
        std::string s;
        std::size_t n = next() % 9;
        for (std::size_t i = 0; i < n; ++i) s.push_back(alphabet[next() % alphabet.size()]);
        return s;
    };
    for (int i = 0; i < 200000; ++i) {
        std::string a = random_key(), b = random_key();
        for (bool sgn : {true, false}) {
            int got = libcmp(a, b, sgn);
            ASSERT_EQ(got, sign(reference_libcmp(a, b, sgn))) << a << " vs " << b;
            ASSERT_EQ(got, -libcmp(b, a, sgn)) << a << " vs " << b;
        }
        ASSERT_EQ(libcmp(a, b, true) == 0, libcmp_key(a) == libcmp_key(b)) << a << " vs " << b;
        if (libcmp(a, b, true) == 0) {
            ASSERT_EQ(libcmp_hash(a), libcmp_hash(b)) << a << " vs " << b;
        }
    }
}

TEST(LdcacheSort, LongDigitRunsAreMeasured) {
    EXPECT_EQ(longest_digit_run("libfoo.so.1"), 1u);
    EXPECT_EQ(longest_digit_run("lib1234567890.so"), 10u);
    EXPECT_EQ(libcmp_key("lib007.so.00"), "lib7.so.0");
    EXPECT_EQ(libcmp_hash("lib007.so.00"), libcmp_hash("lib7.so.0"));
    EXPECT_NE(libcmp_hash("lib7.so.0"), libcmp_hash("lib7.so.1"));
    // Beyond int range the comparison stays exact (glibc's would overflow).
    EXPECT_GT(libcmp("lib.so.99999999999", "lib.so.9999999999", true), 0);
}

CacheEntry entry(std::string key, std::int32_t flags, std::optional<std::string> hwcaps = {},
                 std::string value = "/v") {
    CacheEntry e;
    e.key = std::move(key);
    e.flags = flags;
    e.hwcaps = std::move(hwcaps);
    e.value = std::move(value);
    return e;
}

TEST(LdcacheSort, EntryOrderAndTieBreaks) {
    std::vector<CacheEntry> in = {
        entry("libz.so.1", 0x0303, std::nullopt, "/first"),
        entry("libz.so.1", 0x0003),
        entry("libz.so.1", 0x0303, "x86-64-v3"),
        entry("libz.so.1", 0x0303, "x86-64-v2"),
        entry("libz.so.1", 0x0303, std::nullopt, "/second"),
        entry("libz.so.10", 0x0303),
        entry("liba.so.1", 0x0303),
    };
    sort_entries(in, true);
    std::vector<std::string> got;
    for (const auto& e : in)
        got.push_back(e.key + "|" + std::to_string(e.flags) + "|" + e.hwcaps.value_or("-") + "|" + e.value);
    std::vector<std::string> want = {
        "libz.so.10|771|-|/v",
        "libz.so.1|771|x86-64-v2|/v",
        "libz.so.1|771|x86-64-v3|/v",
        "libz.so.1|771|-|/first",   // stable: input order decides between equal entries
        "libz.so.1|771|-|/second",
        "libz.so.1|3|-|/v",          // flags descending
        "liba.so.1|771|-|/v",
    };
    EXPECT_EQ(got, want);
    EXPECT_FALSE(first_unsorted(in, true));
    std::swap(in[0], in[1]);
    EXPECT_EQ(first_unsorted(in, true), 1u);
}

}  // namespace
}  // namespace skiff::ldcache
