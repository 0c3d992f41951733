// RegistryRef::pinned: the digest-pinned reference that `skiff image resolve` prints and the
// Slurm plugin hands to every node; it must parse back to the same image at that digest.
#include "launcher/image/reference.hpp"

#include <gtest/gtest.h>

namespace skiff::image {
namespace {

const std::string pin_digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string pin_other = "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

struct Pin {
    std::string text;
    std::string pinned;
};
void PrintTo(const Pin& pin, std::ostream* os) { *os << pin.text; }

class ImageReferencePins : public ::testing::TestWithParam<Pin> {};

TEST_P(ImageReferencePins, PinsAndParsesBack) {
    auto ref = parse_reference(GetParam().text);
    ASSERT_TRUE(ref) << ref.error().message;
    std::string pinned = ref->pinned(pin_digest);
    EXPECT_EQ(pinned, GetParam().pinned);
    auto back = parse_reference(pinned);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->user, ref->user);
    EXPECT_EQ(back->registry, ref->registry);
    EXPECT_EQ(back->repository, ref->repository);
    EXPECT_EQ(back->digest, pin_digest);
    EXPECT_EQ(back->pinned(pin_digest), pinned) << "pinning is idempotent";
}

INSTANTIATE_TEST_SUITE_P(
    Forms, ImageReferencePins,
    ::testing::Values(Pin{"ubuntu:24.04", "docker.io/library/ubuntu@" + pin_digest},
                      Pin{"ubuntu", "docker.io/library/ubuntu@" + pin_digest},
                      Pin{"nvcr.io#nvidia/pytorch:25.01-py3", "nvcr.io/nvidia/pytorch@" + pin_digest},
                      Pin{"docker://ghcr.io/org/app:v1", "ghcr.io/org/app@" + pin_digest},
                      Pin{"10.78.0.1:5000/test/app:fresh", "10.78.0.1:5000/test/app@" + pin_digest},
                      Pin{"alice@localhost:5000/app:1", "alice@localhost:5000/app@" + pin_digest},
                      Pin{"bob@example.org@nvcr.io#nvidia/x:2", "bob@example.org@nvcr.io/nvidia/x@" + pin_digest},
                      Pin{"ubuntu:24.04@" + pin_other, "docker.io/library/ubuntu@" + pin_digest}));

// A pinned reference names its own store file: a moved tag can never reach it.
TEST(ImageReferencePin, StoreFileNameIsTheDigests) {
    auto ref = parse_reference("10.78.0.1:5000/test/app:fresh");
    ASSERT_TRUE(ref);
    auto pinned = parse_reference(ref->pinned(pin_digest));
    ASSERT_TRUE(pinned);
    EXPECT_EQ(pinned->store_file_name("x86_64"), "10.78.0.1_5000+test+app+sha256-" + pin_digest.substr(7) + ".x86_64.sqsh");
    EXPECT_NE(pinned->store_file_name("x86_64"), ref->store_file_name("x86_64"));
}

}  // namespace
}  // namespace skiff::image
