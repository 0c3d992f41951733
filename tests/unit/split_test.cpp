#include "common/split.hpp"

#include <gtest/gtest.h>

namespace skiff {
namespace {

TEST(Split, KeepsEmptyFieldsForTheCallerToJudge) {
    EXPECT_EQ(split("/a::/b:", ':'), (std::vector<std::string_view>{"/a", "", "/b", ""}));
    EXPECT_EQ(split("", ':'), (std::vector<std::string_view>{""}));
    EXPECT_EQ(split("/only", ':'), (std::vector<std::string_view>{"/only"}));
}

}  // namespace
}  // namespace skiff
