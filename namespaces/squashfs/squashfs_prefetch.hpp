// Decompresses the blocks of a read profile (squashfs_profile.hpp) in a helper thread, ahead
// of the kernel's requests. The FUSE server's threads look each block up when the image's
// metadata asks for it; a block the helper has not reached yet is decompressed by the server
// thread itself, one the helper (or another serving thread) is busy with is waited for (briefly: on a busy node the
// helper may be preempted mid-block, and the serving thread then decompresses the block
// itself rather than wait for a time slice), so the two cores of a small node share the work
// of a cold launch. Blocks stored uncompressed are left out: reading them is no work to
// move (measured: prefetching them made an uncompressed launch slower).
//
// The blocks stay here while launches use them: the kernel's readahead interleaves files,
// and handing them to a four-slot cache had it evict and decompress some of them again
// (measured: 2 of 17 blocks per /bin/true launch). Once the helper is done and no lookup has
// found a block for `release_after`, the kernel's page cache holds what the launches read,
// and the blocks are given back (a Python stack's profile is 60 MiB: a warm server must not
// keep that for its life). A lookup holds the blocks (Found) while it copies from one.
// They live in one mapping, each block's pages faulted in by one call before it is filled: a
// malloc per block, as libsquashfuse does, cost a page fault per 4 KiB page of every block,
// more than zstd's whole work on it.
//
// The helper only reads the image (pread) and calls the stateless decompressors, and touches
// none of libsquashfuse's caches, which are not thread-safe; the server process never forks
// or execs after starting it (style rule 10 is about the launcher).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <memory>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "namespaces/squashfs/squashfs_profile.hpp"

struct sqfs;

namespace skiff::ns {

class BlockPrefetch {
public:
    static constexpr std::chrono::milliseconds default_release_after{10'000};

    // Starts the helper on `blocks` of `fs`, which must outlive this object.
    BlockPrefetch(sqfs& fs, const std::vector<BlockRef>& blocks,
                  std::chrono::milliseconds release_after = default_release_after);
    ~BlockPrefetch();  // stops and joins the helper, frees the blocks
    BlockPrefetch(const BlockPrefetch&) = delete;
    BlockPrefetch& operator=(const BlockPrefetch&) = delete;

    // A decompressed block (a libsquashfuse sqfs_block*, owned here), valid while this lives.
    struct Found {
        const void* block = nullptr;
        std::shared_lock<std::shared_mutex> hold;
        explicit operator bool() const { return block != nullptr; }
    };

    // The block `ref` if the profile holds it; empty otherwise, once the blocks are released,
    // or if it could not be decompressed in time.
    Found find(const BlockRef& ref);

    std::size_t found() const { return found_.load(std::memory_order_relaxed); }  // lookups answered so far
    bool released() const { return released_.load(std::memory_order_relaxed); }

private:
    enum State : int { queued, busy, ready, failed };
    struct Slot;

    bool decompress(Slot& slot, char* input);  // the claimer of a slot fills it
    void run();
    void wait_until_unused();
    void release();
    char* buffer(std::size_t index) const;    // block_size bytes of the mapping

    sqfs& fs_;
    std::size_t count_ = 0;
    std::size_t block_size_;
    std::chrono::milliseconds release_after_;
    std::unique_ptr<Slot[]> slots_;
    void* mapping_ = nullptr;  // count_ outputs, then the helper's input
    std::size_t mapping_size_ = 0;
    std::unordered_map<std::uint64_t, std::size_t> by_position_;
    std::shared_mutex blocks_mutex_;  // shared: a lookup using the mapping; exclusive: release
    std::atomic<bool> released_{false};
    std::atomic<bool> stop_{false};
    std::mutex done_mutex_;  // with done_: a serving thread waits for a busy slot, the helper for its release
    std::condition_variable done_;
    std::atomic<std::size_t> found_{0};
    std::atomic<std::chrono::steady_clock::rep> last_found_;
    std::thread helper_;
};

}  // namespace skiff::ns
