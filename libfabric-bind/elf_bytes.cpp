#include "libfabric-bind/elf_bytes.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "libfabric-bind/byte_io.hpp"

namespace skiff::elf::detail {
namespace {

// Reads are whole pages: the headers, the dynamic array and its strings of a small library
// each fit in one, and the page cache serves them without further I/O.
constexpr std::uint64_t kPage = 4096;
// No header table, dynamic array or note of a real library comes near this; a file claiming
// one is refused rather than copied into memory.
constexpr std::uint64_t kMaxWindow = std::uint64_t{64} << 20;

}  // namespace

ElfBytes::ElfBytes(std::string_view whole, std::endian order)
    : size_(whole.size()), order_(order), windows_{Window{0, whole}} {}

ElfBytes::ElfBytes(int fd, std::uint64_t size, std::endian order) : fd_(fd), size_(size), order_(order) {}

const ElfBytes::Window* ElfBytes::window(std::uint64_t offset, std::uint64_t length) const {
    if (!in_file(offset, length)) return nullptr;
    auto holds = [&](const Window& w) {
        return offset >= w.offset && offset - w.offset <= w.bytes.size() &&
               length <= w.bytes.size() - (offset - w.offset);
    };
    // Reads come in runs over one table: try the window that served the last one first.
    if (last_ < windows_.size() && holds(windows_[last_])) return &windows_[last_];
    for (std::size_t i = 0; i < windows_.size(); ++i)
        if (holds(windows_[i])) {
            last_ = i;
            return &windows_[i];
        }
    return fd_ < 0 ? nullptr : read_window(offset, length);
}

const ElfBytes::Window* ElfBytes::read_window(std::uint64_t offset, std::uint64_t length) const {
    if (!read_error_.empty()) return nullptr;
    if (length > kMaxWindow) {
        read_error_ = "a table of " + std::to_string(length) + " bytes is larger than any real ELF file has";
        return nullptr;
    }
    std::uint64_t start = offset / kPage * kPage;
    std::uint64_t end = std::min(size_, (std::max(offset + length, start + 1) + kPage - 1) / kPage * kPage);
    auto count = static_cast<std::size_t>(end - start);
    auto buffer = std::make_unique_for_overwrite<char[]>(count);
    std::size_t done = 0;
    while (done < count) {
        ssize_t n = ::pread(fd_, buffer.get() + done, count - done, static_cast<off_t>(start + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            read_error_ = n < 0 ? std::strerror(errno) : "the file shrank while it was read";
            return nullptr;
        }
        done += static_cast<std::size_t>(n);
    }
    windows_.push_back({start, std::string_view(buffer.get(), count)});
    buffers_.push_back(std::move(buffer));
    last_ = windows_.size() - 1;
    return &windows_.back();
}

bool ElfBytes::contains(std::uint64_t offset, std::uint64_t length) const {
    return window(offset, length) != nullptr;
}

template <class T>
std::optional<T> ElfBytes::read(std::uint64_t offset) const {
    const Window* w = window(offset, sizeof(T));
    if (w == nullptr) return std::nullopt;
    binio::ByteView view(w->bytes, order_);
    std::uint64_t at = offset - w->offset;
    if constexpr (sizeof(T) == 1) return view.u8(at);
    else if constexpr (sizeof(T) == 2) return view.u16(at);
    else if constexpr (sizeof(T) == 4) return view.u32(at);
    else return view.u64(at);
}

std::optional<std::uint8_t> ElfBytes::u8(std::uint64_t offset) const { return read<std::uint8_t>(offset); }
std::optional<std::uint16_t> ElfBytes::u16(std::uint64_t offset) const { return read<std::uint16_t>(offset); }
std::optional<std::uint32_t> ElfBytes::u32(std::uint64_t offset) const { return read<std::uint32_t>(offset); }
std::optional<std::uint64_t> ElfBytes::u64(std::uint64_t offset) const { return read<std::uint64_t>(offset); }

std::optional<std::string_view> ElfBytes::cstring(std::uint64_t offset, std::uint64_t limit) const {
    limit = std::min(limit, size_);
    if (offset >= limit) return std::nullopt;
    for (std::uint64_t step = 256;; step *= 8) {
        std::uint64_t length = std::min(step, limit - offset);
        const Window* w = window(offset, length);
        if (w == nullptr) return std::nullopt;
        auto at = static_cast<std::size_t>(offset - w->offset);
        // Search all of the window up to `limit`: it may hold more than was asked for.
        std::size_t span = std::min<std::uint64_t>(w->bytes.size() - at, limit - offset);
        std::string_view text = w->bytes.substr(at, span);
        auto nul = text.find('\0');
        if (nul != std::string_view::npos) return text.substr(0, nul);
        if (span == limit - offset) return std::nullopt;
        step = std::min<std::uint64_t>(std::max<std::uint64_t>(step, span), size_);  // then x8
    }
}

std::optional<std::string_view> ElfBytes::slice(std::uint64_t offset, std::uint64_t length) const {
    const Window* w = window(offset, length);
    if (w == nullptr) return std::nullopt;
    return w->bytes.substr(static_cast<std::size_t>(offset - w->offset), static_cast<std::size_t>(length));
}

}  // namespace skiff::elf::detail
