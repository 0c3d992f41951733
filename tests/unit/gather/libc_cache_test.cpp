#include "launcher/gather/libc_cache.hpp"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace skiff::gather {
namespace {

ldcache::LibcInfo glibc_image() {
    ldcache::LibcInfo libc;
    libc.glibc = true;
    libc.arch = &ldcache::host_arch();
    libc.program = "/usr/bin/python3";
    libc.interpreter = "/lib64/ld-linux-x86-64.so.2";
    libc.interpreter_target = "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2";
    libc.libc_so = "/lib/x86_64-linux-gnu/libc.so.6";
    libc.glibc_versions = {"GLIBC_2.2.5", "GLIBC_2.36"};
    libc.glibc_version = "GLIBC_2.36";
    libc.warnings = {"a warning, with 3:odd,bytes"};
    return libc;
}

TEST(LibcCache, RoundTripKeepsEveryField) {
    auto libc = glibc_image();
    auto decoded = decode_libc(encode_libc("python3", libc), "python3");
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->glibc, true);
    EXPECT_EQ(decoded->musl, false);
    EXPECT_EQ(decoded->arch, libc.arch);
    EXPECT_EQ(decoded->program, libc.program);
    EXPECT_EQ(decoded->interpreter, libc.interpreter);
    EXPECT_EQ(decoded->interpreter_target, libc.interpreter_target);
    EXPECT_EQ(decoded->musl_loader, std::nullopt);
    EXPECT_EQ(decoded->musl_path_file, std::nullopt);
    EXPECT_EQ(decoded->libc_so, libc.libc_so);
    EXPECT_EQ(decoded->glibc_versions, libc.glibc_versions);
    EXPECT_EQ(decoded->glibc_version, libc.glibc_version);
    EXPECT_EQ(decoded->warnings, libc.warnings);
}

TEST(LibcCache, AnImageWithoutALibcHasNoArch) {
    auto decoded = decode_libc(encode_libc("", ldcache::LibcInfo{}), "");
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->arch, nullptr);
    EXPECT_FALSE(decoded->glibc || decoded->musl);
}

// The detection follows the command's PT_INTERP: another command's entry is not used.
TEST(LibcCache, AnEntryIsForItsCommandOnly) {
    std::string bytes = encode_libc("python3", glibc_image());
    EXPECT_FALSE(decode_libc(bytes, "sh"));
    EXPECT_FALSE(decode_libc(bytes, ""));
}

TEST(LibcCache, EveryTruncationAndATrailingByteAreRejected) {
    std::string bytes = encode_libc("python3", glibc_image());
    for (std::size_t n = 0; n < bytes.size(); ++n)
        EXPECT_FALSE(decode_libc(bytes.substr(0, n), "python3")) << "accepted the first " << n << " bytes";
    EXPECT_FALSE(decode_libc(bytes + "x", "python3"));
}

TEST(LibcCache, AnUnknownArchitectureOrAnotherVersionIsAMiss) {
    std::string bytes = encode_libc("sh", glibc_image());
    std::string arch(ldcache::host_arch().uname);
    auto at = bytes.find(":" + arch + ",");
    ASSERT_NE(at, std::string::npos);
    std::string other = bytes;
    other.replace(at + 1, arch.size(), std::string(arch.size(), 'q'));
    EXPECT_FALSE(decode_libc(other, "sh"));
    std::string version = bytes;
    version.replace(0, bytes.find('\n'), "skiff-image-libc 0");
    EXPECT_FALSE(decode_libc(version, "sh"));
}

TEST(LibcCache, StoredForSquashfsImagesOnlyAndLoadedBack) {
    test::TempDir dir("libc-cache");
    image::ImageSource squashfs{.kind = image::ImageSource::Kind::squashfs, .path = "/images/a.sqsh"};
    squashfs.inode = 12;
    store_cached_libc(dir.path(), squashfs, "sh", glibc_image());
    auto loaded = load_cached_libc(dir.path(), squashfs, "sh");
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->glibc_version, "GLIBC_2.36");
    auto rewritten = squashfs;
    rewritten.mtime_ns = 1;
    EXPECT_FALSE(load_cached_libc(dir.path(), rewritten, "sh")) << "a rewritten image has another identity";
    image::ImageSource directory{.kind = image::ImageSource::Kind::directory, .path = "/images/rootfs"};
    store_cached_libc(dir.path(), directory, "sh", glibc_image());
    EXPECT_FALSE(load_cached_libc(dir.path(), directory, "sh"));
    EXPECT_FALSE(load_cached_libc("", squashfs, "sh"));
}

}  // namespace
}  // namespace skiff::gather
