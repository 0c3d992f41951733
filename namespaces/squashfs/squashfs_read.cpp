// Prefix legend: sqfs_ libsquashfuse.
#include "namespaces/squashfs/squashfs_read.hpp"

#include <sys/stat.h>

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "namespaces/squashfs/squashfs_meta.hpp"
#include "namespaces/squashfs/squashfs_prefetch.hpp"
#include "namespaces/squashfs/squashfuse_c.hpp"

namespace skiff::ns {

void ReadRecorder::note(const BlockRef& block) {
    if (blocks_.size() >= limit_ || !seen_.insert(block.position).second) return;
    blocks_.push_back(block);
}

namespace {

// A block: a prefetched one, else through libsquashfuse's cache `cache` (keyed by position,
// as the library keys it), which reads and decompresses it on a miss.
const sqfs_block* block_at(const BlockSource& source, sqfs_cache& cache, BlockRef ref) {
    if (source.recorder) source.recorder->note(ref);
    if (source.prefetch)
        if (const auto* block = static_cast<const sqfs_block*>(source.prefetch->find(ref))) return block;
    sqfs_block* block = nullptr;
    if (sqfs_data_cache(source.fs, &cache, static_cast<sqfs_off_t>(ref.position), ref.header, &block) != SQFS_OK)
        return nullptr;
    return block;
}

// Where the bytes of one block-sized piece of the file are, from `offset`, `length` bytes: in
// `block` (decompressed), else in the image file itself at `stored` (a block stored
// uncompressed), else nowhere (a hole: zeros).
struct Piece {
    const sqfs_block* block = nullptr;
    std::optional<BlockRef> stored;
    std::size_t offset = 0;
    std::size_t length = 0;

    std::size_t capacity() const { return block ? block->size : stored ? stored_size(stored->header) : length; }
};

// A block stored uncompressed is read straight into the reply (squashfs_fs.h:
// SQUASHFS_COMPRESSED_BIT_BLOCK): libsquashfuse would malloc the whole block, read it and
// copy the part asked for, a page fault per 4 KiB of the allocation and two copies.
bool locate(const BlockSource& source, sqfs_cache& cache, BlockRef ref, Piece& piece) {
    // mkfs stores a block uncompressed when compressing does not shrink it, so no stored block
    // is larger than a block; libsquashfuse would allocate whatever size the header claims.
    if ((ref.header >> 25) != 0 || stored_size(ref.header) > source.fs->sb.block_size ||
        ref.position < squashfs::superblock_size)
        return false;
    if (ref.header & (1u << 24)) {
        piece.stored = ref;
        return true;
    }
    piece.block = block_at(source, cache, ref);
    return piece.block != nullptr;
}

bool fragment_piece(const BlockSource& source, sqfs_inode& inode, Piece& piece) {
    squashfs_fragment_entry fragment{};
    if (!squashfs::read_fragment(*source.fs, inode.xtra.reg.frag_idx, fragment)) return false;
    piece.offset = inode.xtra.reg.frag_off;
    piece.length = static_cast<std::size_t>(inode.xtra.reg.file_size % source.fs->sb.block_size);
    return locate(source, source.fs->frag_cache, {fragment.start_block, fragment.size}, piece);
}

bool copy_piece(const sqfs& fs, const Piece& piece, std::size_t skip, std::size_t length, char* out) {
    if (piece.block) {
        std::memcpy(out, static_cast<const char*>(piece.block->data) + piece.offset + skip, length);
    } else if (piece.stored) {
        auto at = static_cast<off_t>(fs.offset + piece.stored->position + piece.offset + skip);
        return ::pread(fs.fd, out, length, at) == static_cast<ssize_t>(length);
    } else {
        std::memset(out, 0, length);
    }
    return true;
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
    if (sqfs_blockidx_blocklist(&fs, &inode, &list, start) != SQFS_OK) return false;
    std::size_t skip = static_cast<std::size_t>(start) % block_size;  // into the first piece
    std::size_t copied = 0;
    while (copied < size) {
        Piece piece;
        const bool fragment = list.remain == 0;
        if (fragment) {
            if (inode.xtra.reg.frag_idx == SQUASHFS_INVALID_FRAG) break;
            if (!fragment_piece(source, inode, piece)) return false;
        } else {
            if (sqfs_blocklist_next(&list) != SQFS_OK) return false;
            if (static_cast<std::uint64_t>(list.pos) + block_size <= static_cast<std::uint64_t>(start)) continue;
            if (list.input_size == 0) {  // a sparse block: zeros
                piece.length = static_cast<std::size_t>(std::min<std::uint64_t>(file_size - static_cast<std::uint64_t>(list.pos), block_size));
            } else {
                if (!locate(source, fs.data_cache, {static_cast<std::uint64_t>(list.block), list.header}, piece)) return false;
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
