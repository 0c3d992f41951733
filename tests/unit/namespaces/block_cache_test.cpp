// The image server's shared cache of decompressed blocks (namespaces/squashfs/block_cache.hpp):
// one load per block however many threads ask, least recently used out, a held block never
// reused, a failed load never cached, and the right bytes under many threads.
#include "namespaces/squashfs/block_cache.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

namespace skiff::ns {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t block_size = 64;

// A block's bytes, from its position: what a loader would inflate.
char byte_of(std::uint64_t position, std::size_t i) { return static_cast<char>((position * 31 + i) & 0x7f); }

BlockCache::Loader filler(std::uint64_t position, std::atomic<int>* calls = nullptr) {
    return [position, calls](char* out) -> std::optional<std::size_t> {
        if (calls) ++*calls;
        for (std::size_t i = 0; i < block_size; ++i) out[i] = byte_of(position, i);
        return block_size;
    };
}

bool holds(const BlockCache::Pin& pin, std::uint64_t position) {
    if (!pin || pin.size() != block_size) return false;
    for (std::size_t i = 0; i < block_size; ++i)
        if (pin.data()[i] != byte_of(position, i)) return false;
    return true;
}

TEST(BlockCache, SizedInBytesWithAFloorOfSlots) {
    EXPECT_EQ(BlockCache(10 * block_size, block_size, 2).slots(), 10u);
    EXPECT_EQ(BlockCache(0, block_size, 3).slots(), 3u);
}

TEST(BlockCache, LoadsABlockOnceAndEvictsTheLeastRecentlyUsed) {
    BlockCache cache(2 * block_size, block_size, 1);
    std::atomic<int> calls = 0;
    EXPECT_TRUE(holds(cache.get(1000, filler(1000, &calls)), 1000));
    EXPECT_TRUE(holds(cache.get(2000, filler(2000, &calls)), 2000));
    EXPECT_TRUE(holds(cache.get(1000, filler(1000, &calls)), 1000));  // a hit: 2000 is now the oldest
    EXPECT_EQ(calls, 2);
    EXPECT_TRUE(holds(cache.get(3000, filler(3000, &calls)), 3000));  // evicts 2000
    EXPECT_TRUE(holds(cache.get(1000, filler(1000, &calls)), 1000));
    EXPECT_EQ(calls, 3);
    EXPECT_TRUE(holds(cache.get(2000, filler(2000, &calls)), 2000));
    EXPECT_EQ(calls, 4);
}

TEST(BlockCache, AHeldBlockIsNeverReusedAndAWaiterGetsTheNextFreeSlot) {
    BlockCache cache(0, block_size, 1);
    auto held = cache.get(1000, filler(1000));
    std::atomic<bool> got = false;
    std::thread other([&] {
        auto pin = cache.get(2000, filler(2000));
        got = holds(pin, 2000);
    });
    std::this_thread::sleep_for(50ms);
    EXPECT_FALSE(got) << "the only slot was reused while held";
    EXPECT_TRUE(holds(held, 1000));
    held = {};  // released: the waiter may have the slot
    other.join();
    EXPECT_TRUE(got);
}

TEST(BlockCache, AFailedLoadIsNotCached) {
    BlockCache cache(4 * block_size, block_size, 1);
    auto failing = [](char*) -> std::optional<std::size_t> { return std::nullopt; };
    EXPECT_FALSE(cache.get(1000, failing));
    auto oversized = [](char*) -> std::optional<std::size_t> { return block_size + 1; };
    EXPECT_FALSE(cache.get(1000, oversized));
    EXPECT_TRUE(holds(cache.get(1000, filler(1000)), 1000));
}

TEST(BlockCache, ConcurrentAsksOfOneBlockLoadItOnce) {
    BlockCache cache(4 * block_size, block_size, 1);
    std::atomic<int> calls = 0;
    auto slow = [&](char* out) -> std::optional<std::size_t> {
        ++calls;
        std::this_thread::sleep_for(50ms);  // the others arrive while it loads
        return filler(7000)(out);
    };
    std::vector<std::thread> threads;
    std::atomic<int> right = 0;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] { right += holds(cache.get(7000, slow), 7000) ? 1 : 0; });
    for (auto& t : threads) t.join();
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(right, 8);
}

// More threads than the cache has room for, over more blocks than it holds: every read sees
// its block's bytes, whatever was evicted meanwhile.
TEST(BlockCache, ManyThreadsSeeTheirBlocksBytes) {
    constexpr int threads = 8, rounds = 4000, blocks = 40;
    BlockCache cache(4 * block_size, block_size, threads + 1);
    std::atomic<int> wrong = 0;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&, t] {
            for (int i = 0; i < rounds; ++i) {
                std::uint64_t position = static_cast<std::uint64_t>((i * 7 + t * 13) % blocks) * 4096;
                if (!holds(cache.get(position, filler(position)), position)) ++wrong;
            }
        });
    for (auto& w : workers) w.join();
    EXPECT_EQ(wrong, 0);
    EXPECT_GT(cache.loads(), static_cast<std::size_t>(blocks));  // it did evict
}

}  // namespace
}  // namespace skiff::ns
