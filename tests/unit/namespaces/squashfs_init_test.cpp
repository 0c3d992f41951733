// The gzip decompressor that squashfs::init puts in place of libsquashfuse's: it inflates
// whole blocks exactly, and refuses a damaged block or one that would overflow its buffer.
#include "namespaces/squashfs/squashfs_init.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/unique_fd.hpp"
#include "tests/unit/image/image_test_util.hpp"

namespace skiff::ns::squashfs {
namespace {

using image::test::TempDir;
using image::test::write_file;

class SquashfsInit : public ::testing::Test {
protected:
    // Opens an image of a small tree made with `compressor`; false if mksquashfs failed.
    bool open_image(const std::string& compressor) {
        write_file(tree / "file", "data");
        auto mksquashfs = image::test::find_program("mksquashfs");
        if (!mksquashfs) return false;
        std::string image = work / (compressor + ".sqsh");
        if (image::test::run_quietly({*mksquashfs, tree.path(), image, "-noappend", "-quiet", "-comp", compressor}) != 0)
            return false;
        fd.reset(::open(image.c_str(), O_RDONLY | O_CLOEXEC));
        opened = fd.valid() && init(fs, fd.get()) == SQFS_OK;
        return opened;
    }
    void TearDown() override {
        if (opened) sqfs_destroy(&fs);
    }

    TempDir tree, work;
    UniqueFd fd;
    sqfs fs{};
    bool opened = false;
};

// A block-sized, compressible, not repetitive buffer, compressed as mksquashfs does (zlib, 9).
std::string block_data() {
    std::string data(128 * 1024, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + (i * i / 97) % 26);
    return data;
}
std::vector<unsigned char> zlib_compressed(const std::string& data) {
    std::vector<unsigned char> out(compressBound(data.size()));
    uLongf size = out.size();
    EXPECT_EQ(compress2(out.data(), &size, reinterpret_cast<const Bytef*>(data.data()), data.size(), 9), Z_OK);
    out.resize(size);
    return out;
}

TEST_F(SquashfsInit, GzipImagesGetSkiffsDecompressorAndOthersKeepTheLibrarys) {
    if (!open_image("gzip")) SKIFF_IMAGE_SKIP("mksquashfs -comp gzip failed or is missing");
    EXPECT_NE(fs.decompressor, sqfs_decompressor_get(ZLIB_COMPRESSION));
    sqfs_destroy(&fs);
    opened = false;
    if (!open_image("zstd")) SKIFF_IMAGE_SKIP("mksquashfs -comp zstd failed or is missing");
    EXPECT_EQ(fs.decompressor, sqfs_decompressor_get(ZSTD_COMPRESSION));
}

TEST_F(SquashfsInit, GzipBlocksInflateExactlyAndDamagedOnesAreRefused) {
    if (!open_image("gzip")) SKIFF_IMAGE_SKIP("mksquashfs -comp gzip failed or is missing");
    const std::string data = block_data();
    auto compressed = zlib_compressed(data);
    std::string out(data.size(), '\0');
    std::size_t size = out.size();
    ASSERT_EQ(fs.decompressor(compressed.data(), compressed.size(), out.data(), &size), SQFS_OK);
    EXPECT_EQ(size, data.size());
    EXPECT_EQ(out, data);

    size = data.size() - 1;  // one byte too small: never written past, refused
    EXPECT_EQ(fs.decompressor(compressed.data(), compressed.size(), out.data(), &size), SQFS_ERR);

    for (std::size_t at : {compressed.size() / 2, compressed.size() - 2}) {  // the data, the checksum
        auto damaged = compressed;
        damaged[at] ^= 0x10;
        size = out.size();
        EXPECT_EQ(fs.decompressor(damaged.data(), damaged.size(), out.data(), &size), SQFS_ERR) << "byte " << at;
    }
    size = out.size();
    EXPECT_EQ(fs.decompressor(compressed.data(), compressed.size() / 2, out.data(), &size), SQFS_ERR) << "truncated";
}

}  // namespace
}  // namespace skiff::ns::squashfs
