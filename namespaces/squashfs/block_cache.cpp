#include "namespaces/squashfs/block_cache.hpp"

#include <algorithm>
#include <new>

namespace skiff::ns {

BlockCache::BlockCache(std::size_t bytes, std::size_t block_size, std::size_t min_slots)
    : block_size_(block_size), slots_(std::max(bytes / std::max<std::size_t>(block_size, 1), min_slots)) {}

BlockCache::Pin::Pin(Pin&& other) noexcept : cache_(other.cache_), slot_(other.slot_) { other.cache_ = nullptr; }

BlockCache::Pin& BlockCache::Pin::operator=(Pin&& other) noexcept {
    if (this != &other) {
        if (cache_) cache_->unpin(slot_);
        cache_ = other.cache_;
        slot_ = other.slot_;
        other.cache_ = nullptr;
    }
    return *this;
}

BlockCache::Pin::~Pin() {
    if (cache_) cache_->unpin(slot_);
}

// A pinned slot is neither evicted nor refilled, so its bytes are read without the lock.
const char* BlockCache::Pin::data() const { return cache_->slots_[slot_].bytes.get(); }
std::size_t BlockCache::Pin::size() const { return cache_->slots_[slot_].size; }

std::size_t BlockCache::loads() const {
    std::lock_guard lock(mutex_);
    return loads_;
}

// The position is the key, as libsquashfuse keys its cache: in a valid image one position
// holds one block. A crafted image that gives two headers for one position gets whichever
// block was loaded first, never more bytes than that block holds (Pin::size).
BlockCache::Pin BlockCache::get(std::uint64_t position, const Loader& load) {
    std::unique_lock lock(mutex_);
    for (;;) {
        if (auto found = by_position_.find(position); found != by_position_.end()) {
            Slot& slot = slots_[found->second];
            if (slot.state == State::loading) {
                changed_.wait(lock);
                continue;
            }
            ++slot.pins;
            slot.last_use = ++clock_;
            return Pin(this, found->second);
        }
        auto free = victim();
        if (!free) {  // every slot is pinned or loading: wait for one
            changed_.wait(lock);
            continue;
        }
        Slot& slot = slots_[*free];
        if (slot.state == State::ready) by_position_.erase(slot.position);
        slot = Slot{State::loading, position, 1, 0, 0, std::move(slot.bytes)};
        by_position_[position] = *free;
        return load_into(*free, lock, load);
    }
}

std::optional<std::size_t> BlockCache::victim() const {
    std::optional<std::size_t> oldest;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        const Slot& slot = slots_[i];
        if (slot.state == State::empty) return i;
        if (slot.state == State::ready && slot.pins == 0 && (!oldest || slot.last_use < slots_[*oldest].last_use))
            oldest = i;
    }
    return oldest;
}

// The slot is ours while it is loading: nobody else reads or evicts it.
BlockCache::Pin BlockCache::load_into(std::size_t index, std::unique_lock<std::mutex>& lock, const Loader& load) {
    Slot& slot = slots_[index];
    lock.unlock();
    if (!slot.bytes) slot.bytes.reset(new (std::nothrow) char[block_size_]);  // not zeroed: no page is touched
    std::optional<std::size_t> size;
    if (slot.bytes) size = load(slot.bytes.get());
    lock.lock();
    ++loads_;
    changed_.notify_all();
    if (!size || *size > block_size_) {
        by_position_.erase(slot.position);
        slot.state = State::empty;
        slot.pins = 0;
        return {};
    }
    slot.size = *size;
    slot.state = State::ready;
    slot.last_use = ++clock_;
    return Pin(this, index);
}

void BlockCache::unpin(std::size_t index) {
    std::lock_guard lock(mutex_);
    if (--slots_[index].pins == 0) changed_.notify_all();
}

}  // namespace skiff::ns
