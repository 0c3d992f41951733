#include "common/hostlist.hpp"

#include <gtest/gtest.h>

namespace skiff {
namespace {

using Names = std::vector<std::string>;

Names expanded(std::string_view list, std::size_t max_names = 1000) {
    auto names = expand_hostlist(list, max_names);
    EXPECT_TRUE(names) << list << ": " << names.error().message;
    return names ? *names : Names{};
}

std::string error_of(std::string_view list, std::size_t max_names = 1000) {
    auto names = expand_hostlist(list, max_names);
    EXPECT_FALSE(names) << list << " should not expand";
    return names ? "" : names.error().message;
}

TEST(Hostlist, PlainNamesAndRangesInTheirOrder) {
    EXPECT_EQ(expanded("n1"), (Names{"n1"}));
    EXPECT_EQ(expanded("n[1-3,5]"), (Names{"n1", "n2", "n3", "n5"}));
    EXPECT_EQ(expanded("login,n[2-3],gpu07"), (Names{"login", "n2", "n3", "gpu07"}));
    EXPECT_EQ(expanded("n[7]"), (Names{"n7"}));
    EXPECT_EQ(expanded("node-[3-4].cluster"), (Names{"node-3.cluster", "node-4.cluster"}));
}

TEST(Hostlist, ARangeKeepsTheWidthOfItsLowerBound) {
    EXPECT_EQ(expanded("nid[008-011]"), (Names{"nid008", "nid009", "nid010", "nid011"}));
    EXPECT_EQ(expanded("n[09-10,1]"), (Names{"n09", "n10", "n1"}));
}

TEST(Hostlist, SeveralBracketsMultiply) {
    EXPECT_EQ(expanded("r[1-2]-n[01-02]"), (Names{"r1-n01", "r1-n02", "r2-n01", "r2-n02"}));
}

TEST(Hostlist, MalformedListsAreOneErrorNamingTheList) {
    for (std::string_view bad : {"", "n[1-3", "n1-3]", "n[3-1]", "n[a-b]", "n[]", "n[1-]", "n[[1-2]]", "n1,,n2",
                                 "n[1-2]]", "n[1234567890]"}) {
        auto message = error_of(bad);
        EXPECT_NE(message.find("host list '" + std::string(bad) + "'"), std::string::npos) << message;
    }
}

TEST(Hostlist, IsBoundedBeforeItExpands) {
    EXPECT_EQ(expanded("n[1-4]", 4).size(), 4u);
    EXPECT_NE(error_of("n[1-5]", 4).find("more than 4 names"), std::string::npos);
    EXPECT_NE(error_of("n[1-2],m[1-3]", 4).find("more than 4 names"), std::string::npos);
    EXPECT_NE(error_of("n[0-999999999]", 16384).find("more than 16384 names"), std::string::npos);
    EXPECT_NE(error_of("a[1-200]b[1-200]", 16384).find("more than 16384 names"), std::string::npos);
}

}  // namespace
}  // namespace skiff
