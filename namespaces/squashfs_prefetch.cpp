// Prefix legend: sqfs_ libsquashfuse.
#include "namespaces/squashfs_prefetch.hpp"

#include "namespaces/squashfuse_c.hpp"

namespace skiff::ns {

BlockPrefetch::BlockPrefetch(sqfs& fs, const std::vector<BlockRef>& blocks)
    : fs_(fs), count_(blocks.size()), slots_(std::make_unique<Slot[]>(blocks.size())) {
    for (std::size_t i = 0; i < count_; ++i) {
        slots_[i].ref = blocks[i];
        by_position_.emplace(blocks[i].position, i);
    }
    helper_ = std::thread([this] { run(); });
}

BlockPrefetch::~BlockPrefetch() {
    stop_.store(true, std::memory_order_relaxed);
    helper_.join();
    for (std::size_t i = 0; i < count_; ++i)
        if (slots_[i].state.load(std::memory_order_acquire) == ready)
            sqfs_block_dispose(static_cast<sqfs_block*>(slots_[i].block));
}

bool BlockPrefetch::decompress(Slot& slot) {
    sqfs_block* block = nullptr;
    bool ok = sqfs_data_block_read(&fs_, static_cast<sqfs_off_t>(slot.ref.position), slot.ref.header, &block) == SQFS_OK;
    slot.block = block;
    slot.state.store(ok ? ready : failed, std::memory_order_release);
    slot.state.notify_all();
    return ok;
}

void BlockPrefetch::run() {
    for (std::size_t i = 0; i < count_ && !stop_.load(std::memory_order_relaxed); ++i) {
        int expected = queued;
        if (!slots_[i].state.compare_exchange_strong(expected, busy, std::memory_order_acq_rel)) continue;
        decompress(slots_[i]);
    }
}

const void* BlockPrefetch::find(const BlockRef& ref) {
    auto found = by_position_.find(ref.position);
    if (found == by_position_.end()) return nullptr;
    Slot& slot = slots_[found->second];
    // The profile's header must be the one the image's metadata gives now: the bytes at a
    // position are only this block when both agree.
    if (slot.ref.header != ref.header) return nullptr;
    int state = queued;
    if (slot.state.compare_exchange_strong(state, busy, std::memory_order_acq_rel)) {
        decompress(slot);  // the helper has not got here yet
        state = slot.state.load(std::memory_order_acquire);
    }
    while (state == busy) {
        slot.state.wait(busy, std::memory_order_acquire);
        state = slot.state.load(std::memory_order_acquire);
    }
    if (state != ready) return nullptr;
    ++found_;
    return slot.block;
}

}  // namespace skiff::ns
