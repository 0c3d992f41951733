#include "hooks/cdi/yaml_to_json.hpp"

#include <gtest/gtest.h>

#include "hooks/cdi/yaml_scalar.hpp"

namespace skiff::cdi {
namespace {

using nlohmann::json;

TEST(CdiYaml, BlockAndFlowStylesGiveTheSameTree) {
    auto block = yaml_to_json("a:\n  - x: 1\n    y: \"2\"\n  - z\nb: true\n");
    auto flow = yaml_to_json("{a: [{x: 1, y: \"2\"}, z], b: true}");
    ASSERT_TRUE(block) << block.error().message;
    ASSERT_TRUE(flow) << flow.error().message;
    EXPECT_EQ(*block, *flow);
    EXPECT_EQ(*block, json::parse(R"({"a":[{"x":1,"y":"2"},"z"],"b":true})"));
}

TEST(CdiYaml, PlainScalarsAreTypedQuotedOnesAreStrings) {
    EXPECT_EQ(typed_plain_scalar("~"), json(nullptr));
    EXPECT_EQ(typed_plain_scalar(""), json(nullptr));
    EXPECT_EQ(typed_plain_scalar("true"), json(true));
    EXPECT_EQ(typed_plain_scalar("False"), json(false));
    EXPECT_EQ(typed_plain_scalar("42"), json(42));
    EXPECT_EQ(typed_plain_scalar("-7"), json(-7));
    EXPECT_EQ(typed_plain_scalar("0o644"), json(0644));
    EXPECT_EQ(typed_plain_scalar("0644"), json(0644));  // YAML 1.1, as Go's parser reads it
    EXPECT_EQ(typed_plain_scalar("0x1f"), json(31));
    EXPECT_EQ(typed_plain_scalar("1.5"), json(1.5));
    EXPECT_EQ(typed_plain_scalar("0.5.0"), json("0.5.0"));
    EXPECT_EQ(typed_plain_scalar("yes"), json("yes"));  // YAML 1.2: a string
    EXPECT_EQ(typed_plain_scalar("/dev/nvidia0"), json("/dev/nvidia0"));
    auto quoted = yaml_to_json("a: '0'\nb: !!str 7\n");
    ASSERT_TRUE(quoted) << quoted.error().message;
    EXPECT_EQ(*quoted, json::parse(R"({"a":"0","b":"7"})"));
}

TEST(CdiYaml, RefusesAnchorsAndAliases) {
    auto anchor = yaml_to_json("a: &x [1]\n");
    ASSERT_FALSE(anchor);
    EXPECT_EQ(anchor.error().message, "line 1: YAML anchors and aliases are not supported in CDI specs");
    // The billion-laughs shape is refused at its first anchor, before anything expands.
    std::string bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
    for (char c = 'b'; c <= 'i'; ++c) {
        std::string prev(1, static_cast<char>(c - 1));
        bomb += std::string(1, c) + ": &" + std::string(1, c) + " [*" + prev + ",*" + prev + ",*" + prev + ",*" + prev +
                ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + "]\n";
    }
    EXPECT_FALSE(yaml_to_json(bomb));
    EXPECT_FALSE(yaml_to_json("a: *nowhere\n"));
}

TEST(CdiYaml, BoundsNesting) {
    std::string deep(40, '[');
    deep += std::string(40, ']');
    auto r = yaml_to_json(deep);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "line 1: nested deeper than 32 levels");
    std::string ok(10, '[');
    ok += std::string(10, ']');
    EXPECT_TRUE(yaml_to_json(ok));
}

TEST(CdiYaml, MalformedInputIsOneLine) {
    auto r = yaml_to_json("a: [1, 2\nb: 3\n");
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().message.starts_with("line ")) << r.error().message;
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
    auto dup = yaml_to_json("a: 1\na: 2\n");
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().message, "line 2: duplicate key 'a'");
    auto key = yaml_to_json("? [1]\n: 2\n");
    ASSERT_FALSE(key);
    EXPECT_EQ(key.error().message, "line 1: a mapping key must be a plain value, not a mapping or a list");
    auto docs = yaml_to_json("a: 1\n---\nb: 2\n");
    ASSERT_FALSE(docs);
    EXPECT_EQ(docs.error().message, "line 3: more than one document");
}

TEST(CdiYaml, EmptyInputIsNull) {
    auto r = yaml_to_json("");
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->is_null());
}

}  // namespace
}  // namespace skiff::cdi
