// Prefix legend: sqfs_ libsquashfuse.
#include "namespaces/squashfs/squashfs_read.hpp"

#include <sys/stat.h>

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <optional>

#include "namespaces/squashfs/block_cache.hpp"
#include "namespaces/squashfs/scratch_buffer.hpp"
#include "namespaces/squashfs/squashfs_meta.hpp"
#include "namespaces/squashfs/squashfs_prefetch.hpp"
#include "namespaces/squashfs/squashfuse_c.hpp"

namespace skiff::ns {

void ReadRecorder::note(const BlockRef& block) {
    if (std::chrono::steady_clock::now() > until_) return;
    std::lock_guard lock(mutex_);
    if (blocks_.size() >= limit_ || !seen_.insert(block.position).second) return;
    blocks_.push_back(block);
}

namespace {

// The compressed bytes of a block, read before inflating it: one buffer per server thread.
thread_local ScratchBuffer compressed_input;

// Reads and inflates the block `ref` into `out` (block_size bytes); its size. Only pread and
// the stateless decompressors: no libsquashfuse cache, which is not thread-safe.
std::optional<std::size_t> inflate(const sqfs& fs, BlockRef ref, char* out) {
    std::size_t size = stored_size(ref.header);
    char* input = compressed_input.get(size);
    std::size_t output_size = fs.sb.block_size;
    auto at = static_cast<off_t>(fs.offset + ref.position);
    if (!input || ::pread(fs.fd, input, size, at) != static_cast<ssize_t>(size) ||
        fs.decompressor(input, size, out, &output_size) != SQFS_OK)
        return std::nullopt;
    return output_size;
}

// Where the bytes of one block-sized piece of the file are, from `offset`, `length` bytes:
// in a decompressed block (`prefetched`, else `cached`), else in the image file itself at
// `stored` (a block stored uncompressed), else nowhere (a hole: zeros).
struct Piece {
    BlockPrefetch::Found prefetched;
    BlockCache::Pin cached;
    std::optional<BlockRef> stored;
    std::size_t offset = 0;
    std::size_t length = 0;

    const sqfs_block* block() const { return static_cast<const sqfs_block*>(prefetched.block); }
    const char* data() const { return prefetched ? static_cast<const char*>(block()->data) : cached.data(); }
    bool decompressed() const { return prefetched || cached; }
    std::size_t capacity() const {
        return prefetched ? block()->size : cached ? cached.size() : stored ? stored_size(stored->header) : length;
    }
};

// A decompressed block: a prefetched one, else through the cache, which inflates it on a miss.
bool decompressed(const BlockSource& source, BlockRef ref, Piece& piece) {
    if (source.recorder) source.recorder->note(ref);
    if (source.prefetch) piece.prefetched = source.prefetch->find(ref);
    if (piece.prefetched) return true;
    const sqfs& fs = *source.fs;
    piece.cached = source.cache->get(ref.position, [&](char* out) { return inflate(fs, ref, out); });
    return static_cast<bool>(piece.cached);
}

// A block stored uncompressed is read straight into the reply (squashfs_fs.h:
// SQUASHFS_COMPRESSED_BIT_BLOCK): reading it through a block buffer would cost a page fault
// per 4 KiB of the buffer and two copies.
bool locate(const BlockSource& source, BlockRef ref, Piece& piece) {
    // mkfs stores a block uncompressed when compressing does not shrink it, so no stored block
    // is larger than a block; a decompressor would be handed whatever size the header claims.
    if ((ref.header >> 25) != 0 || stored_size(ref.header) > source.fs->sb.block_size ||
        ref.position < squashfs::superblock_size)
        return false;
    if (ref.header & (1u << 24)) {
        piece.stored = ref;
        return true;
    }
    return decompressed(source, ref, piece);
}

bool fragment_piece(const BlockSource& source, sqfs_inode& inode, Piece& piece) {
    squashfs_fragment_entry fragment{};
    if (!squashfs::read_fragment(*source.fs, inode.xtra.reg.frag_idx, fragment)) return false;
    piece.offset = inode.xtra.reg.frag_off;
    piece.length = static_cast<std::size_t>(inode.xtra.reg.file_size % source.fs->sb.block_size);
    return locate(source, {fragment.start_block, fragment.size}, piece);
}

bool copy_piece(const sqfs& fs, const Piece& piece, std::size_t skip, std::size_t length, char* out) {
    if (piece.decompressed()) {
        std::memcpy(out, piece.data() + piece.offset + skip, length);
    } else if (piece.stored) {
        auto at = static_cast<off_t>(fs.offset + piece.stored->position + piece.offset + skip);
        return ::pread(fs.fd, out, length, at) == static_cast<ssize_t>(length);
    } else {
        std::memset(out, 0, length);
    }
    return true;
}

// libsquashfuse's block lists read the inode table through its metadata cache.
bool first_blocks(sqfs& fs, sqfs_inode& inode, off_t start, sqfs_blocklist& list) {
    std::lock_guard lock(squashfs::library_cache_lock());
    return sqfs_blockidx_blocklist(&fs, &inode, &list, start) == SQFS_OK;
}

bool next_block(sqfs_blocklist& list) {
    std::lock_guard lock(squashfs::library_cache_lock());
    return sqfs_blocklist_next(&list) == SQFS_OK;
}

}  // namespace

bool read_file_range(const BlockSource& source, sqfs_inode& inode, off_t start, std::size_t& size, char* buffer) {
    sqfs& fs = *source.fs;
    if (!S_ISREG(inode.base.mode) || start < 0) return false;
    const auto file_size = static_cast<std::uint64_t>(inode.xtra.reg.file_size);
    const std::size_t block_size = fs.sb.block_size;
    if (static_cast<std::uint64_t>(start) >= file_size) {
        size = 0;
        return static_cast<std::uint64_t>(start) == file_size;
    }
    sqfs_blocklist list;
    if (!first_blocks(fs, inode, start, list)) return false;
    std::size_t skip = static_cast<std::size_t>(start) % block_size;  // into the first piece
    std::size_t copied = 0;
    while (copied < size) {
        Piece piece;
        const bool fragment = list.remain == 0;
        if (fragment) {
            if (inode.xtra.reg.frag_idx == SQUASHFS_INVALID_FRAG) break;
            if (!fragment_piece(source, inode, piece)) return false;
        } else {
            if (!next_block(list)) return false;
            if (static_cast<std::uint64_t>(list.pos) + block_size <= static_cast<std::uint64_t>(start)) continue;
            if (list.input_size == 0) {  // a sparse block: zeros
                piece.length = static_cast<std::size_t>(std::min<std::uint64_t>(file_size - static_cast<std::uint64_t>(list.pos), block_size));
            } else {
                if (!locate(source, {static_cast<std::uint64_t>(list.block), list.header}, piece)) return false;
                piece.length = piece.capacity();
            }
        }
        // A damaged image can claim more bytes than its block holds.
        if (piece.length < skip || piece.offset + piece.length > piece.capacity()) return false;
        std::size_t take = std::min(piece.length - skip, size - copied);
        if (!copy_piece(fs, piece, skip, take, buffer + copied)) return false;
        copied += take;
        skip = 0;
        if (fragment) break;
    }
    size = copied;
    return true;
}

}  // namespace skiff::ns
