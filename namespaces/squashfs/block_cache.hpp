// The decompressed data and fragment blocks of one image, shared by the FUSE server's threads.
//
// A block is decompressed once however many threads ask for it at the same time: the first
// one loads it outside the lock while the others wait for it. A reader holds its block
// (Pin) only while it copies from it, so with more slots than threads there is always a block
// to evict; the least recently used unpinned one goes. Slot buffers are allocated when first
// needed and then reused: a malloc per block costs a page fault per 4 KiB of it, more than
// inflating it (squashfs_prefetch.hpp).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

namespace skiff::ns {

class BlockCache {
public:
    // As many blocks of `block_size` bytes as fit in `bytes`, but at least `min_slots`.
    BlockCache(std::size_t bytes, std::size_t block_size, std::size_t min_slots);
    BlockCache(const BlockCache&) = delete;
    BlockCache& operator=(const BlockCache&) = delete;

    // A block held in the cache until the Pin is destroyed; empty: the block could not be loaded.
    class Pin {
    public:
        Pin() = default;
        Pin(Pin&& other) noexcept;
        Pin& operator=(Pin&& other) noexcept;
        ~Pin();
        explicit operator bool() const { return cache_ != nullptr; }
        const char* data() const;
        std::size_t size() const;

    private:
        friend class BlockCache;
        Pin(BlockCache* cache, std::size_t slot) : cache_(cache), slot_(slot) {}
        BlockCache* cache_ = nullptr;
        std::size_t slot_ = 0;
    };

    // Writes the block into `out` (block_size bytes); its size, or nothing if it is damaged.
    using Loader = std::function<std::optional<std::size_t>(char* out)>;

    // The block stored at `position`, loaded by `load` if nobody has it yet.
    Pin get(std::uint64_t position, const Loader& load);

    std::size_t slots() const { return slots_.size(); }
    std::size_t loads() const;  // blocks decompressed so far, for tests

private:
    enum class State { empty, loading, ready };
    struct Slot {
        State state = State::empty;
        std::uint64_t position = 0;
        int pins = 0;
        std::uint64_t last_use = 0;
        std::size_t size = 0;
        std::unique_ptr<char[]> bytes;
    };

    std::optional<std::size_t> victim() const;  // with mutex_ held
    Pin load_into(std::size_t slot, std::unique_lock<std::mutex>& lock, const Loader& load);
    void unpin(std::size_t slot);

    std::size_t block_size_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;  // a load ended or a pin was released
    std::vector<Slot> slots_;
    std::unordered_map<std::uint64_t, std::size_t> by_position_;
    std::uint64_t clock_ = 0;
    std::size_t loads_ = 0;
};

}  // namespace skiff::ns
