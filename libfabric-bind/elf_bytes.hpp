// Internal to the ELF prober: the bytes of one ELF file, either all in memory (probe()) or read
// from a file descriptor on demand (probe_fd()). Probing a 2 MB library then reads its headers,
// its dynamic array and a few strings, a page or two each, instead of mapping the whole file.
//
// The accessors are those of binio::ByteView (byte_io.hpp), whose decoding they reuse, with one
// split: in_file() is only the bounds check against the file size, contains() also makes the
// range readable (reading it if needed). The parsers call contains() before every fixed-size
// read, as they did with ByteView, so an accessor never dereferences an unread range; a failed
// read makes contains() false and is kept in read_error() for the caller's message.
#pragma once

#include <bit>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::elf::detail {

class ElfBytes {
public:
    // All of the file in memory; `whole` must outlive this object.
    ElfBytes(std::string_view whole, std::endian order);
    // A file of `size` bytes read with pread(fd) on demand; `fd` must outlive this object.
    ElfBytes(int fd, std::uint64_t size, std::endian order);
    ElfBytes(const ElfBytes&) = delete;
    ElfBytes& operator=(const ElfBytes&) = delete;

    std::uint64_t size() const { return size_; }
    std::endian order() const { return order_; }
    // For a file, once e_ident has been read (it needs no byte order).
    void set_order(std::endian order) { order_ = order; }
    const std::string& read_error() const { return read_error_; }

    // [offset, offset + length) lies inside the file (overflow-safe); reads nothing.
    bool in_file(std::uint64_t offset, std::uint64_t length) const {
        return offset <= size_ && length <= size_ - offset;
    }
    // in_file(), and the range is in memory (read now if it was not).
    bool contains(std::uint64_t offset, std::uint64_t length) const;

    std::optional<std::uint8_t> u8(std::uint64_t offset) const;
    std::optional<std::uint16_t> u16(std::uint64_t offset) const;
    std::optional<std::uint32_t> u32(std::uint64_t offset) const;
    std::optional<std::uint64_t> u64(std::uint64_t offset) const;

    // As binio::ByteView::cstring: the NUL-terminated string at `offset`, ending before `limit`
    // and the end of the file. A file is read in growing steps until the NUL is found.
    std::optional<std::string_view> cstring(std::uint64_t offset, std::uint64_t limit) const;
    std::optional<std::string_view> slice(std::uint64_t offset, std::uint64_t length) const;

private:
    struct Window {
        std::uint64_t offset;
        std::string_view bytes;
    };
    // The window holding [offset, offset + length), reading it from the file if needed.
    const Window* window(std::uint64_t offset, std::uint64_t length) const;
    const Window* read_window(std::uint64_t offset, std::uint64_t length) const;
    template <class T>
    std::optional<T> read(std::uint64_t offset) const;

    int fd_ = -1;
    std::uint64_t size_ = 0;
    std::endian order_;
    mutable std::vector<Window> windows_;
    mutable std::size_t last_ = 0;  // index of the window that served the last read
    mutable std::vector<std::unique_ptr<char[]>> buffers_;  // the windows read from fd_
    mutable std::string read_error_;
};

}  // namespace skiff::elf::detail
