// Prefix legend: sqfs_ libsquashfuse.
#include "namespaces/squashfs/squashfs_prefetch.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include "namespaces/squashfs/scratch_buffer.hpp"
#include "namespaces/squashfs/squashfuse_c.hpp"

namespace skiff::ns {

struct BlockPrefetch::Slot {
    BlockRef ref;
    std::atomic<int> state{queued};
    sqfs_block block{};  // points into the mapping; valid when state is ready
};

namespace {

bool stored_compressed(const BlockRef& ref) { return (ref.header & (1u << 24)) == 0; }

thread_local ScratchBuffer serving_input;  // a serving thread's compressed bytes

std::chrono::steady_clock::rep now_ticks() { return std::chrono::steady_clock::now().time_since_epoch().count(); }

}  // namespace

BlockPrefetch::BlockPrefetch(sqfs& fs, const std::vector<BlockRef>& blocks, std::chrono::milliseconds release_after)
    : fs_(fs), block_size_(fs.sb.block_size), release_after_(release_after),
      slots_(std::make_unique<Slot[]>(blocks.size())), last_found_(now_ticks()) {
    for (const auto& ref : blocks)
        if (stored_compressed(ref)) {
            slots_[count_].ref = ref;
            by_position_.emplace(ref.position, count_++);
        }
    if (count_ == 0) return;
    mapping_size_ = (count_ + 1) * block_size_;
    mapping_ = ::mmap(nullptr, mapping_size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping_ == MAP_FAILED) {
        mapping_ = nullptr;
        by_position_.clear();  // no prefetch: every block is read as without a profile
        return;
    }
    helper_ = std::thread([this] { run(); });
}

BlockPrefetch::~BlockPrefetch() {
    {
        std::lock_guard lock(done_mutex_);  // the helper cannot miss it between its check and its wait
        stop_.store(true, std::memory_order_relaxed);
    }
    done_.notify_all();
    if (helper_.joinable()) helper_.join();
    release();
}

char* BlockPrefetch::buffer(std::size_t index) const { return static_cast<char*>(mapping_) + index * block_size_; }

// One call faults the block's pages in (Linux 5.14); without it, every 4 KiB page is a page
// fault, which costs more than inflating the block.
bool BlockPrefetch::decompress(Slot& slot, char* input) {
    std::size_t size = stored_size(slot.ref.header);
    std::size_t output_size = block_size_;
    char* output = buffer(static_cast<std::size_t>(&slot - slots_.get()));
    (void)::madvise(output, block_size_, MADV_POPULATE_WRITE);
    auto offset = static_cast<off_t>(slot.ref.position + fs_.offset);
    bool ok = input && ::pread(fs_.fd, input, size, offset) == static_cast<ssize_t>(size) &&
              fs_.decompressor(input, size, output, &output_size) == SQFS_OK;
    slot.block = {output_size, output};
    {
        std::lock_guard lock(done_mutex_);  // no waiter can miss the change
        slot.state.store(ok ? ready : failed, std::memory_order_release);
    }
    done_.notify_all();
    return ok;
}

void BlockPrefetch::run() {
    char* input = buffer(count_);
    (void)::madvise(input, block_size_, MADV_POPULATE_WRITE);
    for (std::size_t i = 0; i < count_ && !stop_.load(std::memory_order_relaxed); ++i) {
        int expected = queued;
        if (slots_[i].state.compare_exchange_strong(expected, busy, std::memory_order_acq_rel)) decompress(slots_[i], input);
    }
    wait_until_unused();
    release();  // only this thread and the destructor, after joining it, release
}

// Until no lookup has found a block for release_after_, or the server stops.
void BlockPrefetch::wait_until_unused() {
    std::unique_lock lock(done_mutex_);
    while (!stop_.load(std::memory_order_relaxed)) {
        auto idle = std::chrono::steady_clock::duration(now_ticks() - last_found_.load(std::memory_order_relaxed));
        if (idle >= release_after_) return;
        done_.wait_for(lock, release_after_ - idle);
    }
}

void BlockPrefetch::release() {
    std::unique_lock hold(blocks_mutex_);  // waits for every lookup still copying from a block
    if (released_.exchange(true, std::memory_order_relaxed) || !mapping_) return;
    ::munmap(mapping_, mapping_size_);
    mapping_ = nullptr;
}

BlockPrefetch::Found BlockPrefetch::find(const BlockRef& ref) {
    auto found = by_position_.find(ref.position);
    if (found == by_position_.end()) return {};
    Slot& slot = slots_[found->second];
    // The profile's header must be the one the image's metadata gives now: the bytes at a
    // position are only this block when both agree.
    if (slot.ref.header != ref.header) return {};
    std::shared_lock hold(blocks_mutex_);
    if (released_.load(std::memory_order_relaxed)) return {};
    int state = queued;
    if (slot.state.compare_exchange_strong(state, busy, std::memory_order_acq_rel)) {
        decompress(slot, serving_input.get(block_size_));  // the helper has not got here yet
        state = slot.state.load(std::memory_order_acquire);
    }
    if (state == busy) {
        // Longer than a block takes to inflate (0.1-1 ms here): the helper lost its core.
        constexpr auto patience = std::chrono::milliseconds(2);
        std::unique_lock lock(done_mutex_);
        done_.wait_for(lock, patience, [&] { return (state = slot.state.load(std::memory_order_acquire)) != busy; });
    }
    if (state != ready) return {};  // failed, or still busy: the caller reads it itself
    found_.fetch_add(1, std::memory_order_relaxed);
    last_found_.store(now_ticks(), std::memory_order_relaxed);
    return {&slot.block, std::move(hold)};
}

}  // namespace skiff::ns
