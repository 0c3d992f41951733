// A buffer a thread keeps for its next use, grown when asked for more. Not zeroed: a page is
// touched only when written, and a buffer per call would cost a page fault per 4 KiB
// (fast-start.md). Declared thread_local by its users: one per FUSE server thread.
#pragma once

#include <cstddef>
#include <memory>
#include <new>

namespace skiff::ns {

class ScratchBuffer {
public:
    // At least `size` bytes, valid until the next call; nullptr if they cannot be allocated.
    char* get(std::size_t size) {
        if (size > size_) {
            bytes_.reset(new (std::nothrow) char[size]);
            size_ = bytes_ ? size : 0;
        }
        return bytes_.get();
    }

private:
    std::unique_ptr<char[]> bytes_;
    std::size_t size_ = 0;
};

}  // namespace skiff::ns
