// Bounds-checked reading and appending of fixed-width integers in either byte order. Every read
// of an untrusted file (ELF, ld.so.cache) goes through ByteView, so an offset or count taken from
// the file can never reach memory outside it: a read that does not fit returns nullopt.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace skiff::binio {

template <class T>
T swap_bytes(T v) {
    if constexpr (sizeof(T) == 1) return v;
    else if constexpr (sizeof(T) == 2) return __builtin_bswap16(v);
    else if constexpr (sizeof(T) == 4) return __builtin_bswap32(v);
    else return __builtin_bswap64(v);
}

class ByteView {
public:
    ByteView(std::string_view data, std::endian order) : data_(data), order_(order) {}

    std::size_t size() const { return data_.size(); }
    std::string_view data() const { return data_; }
    std::endian order() const { return order_; }

    // True if [offset, offset + length) lies inside the data (overflow-safe).
    bool contains(std::uint64_t offset, std::uint64_t length) const {
        return offset <= data_.size() && length <= data_.size() - offset;
    }

    std::optional<std::uint8_t> u8(std::uint64_t offset) const { return read<std::uint8_t>(offset); }
    std::optional<std::uint16_t> u16(std::uint64_t offset) const { return read<std::uint16_t>(offset); }
    std::optional<std::uint32_t> u32(std::uint64_t offset) const { return read<std::uint32_t>(offset); }
    std::optional<std::uint64_t> u64(std::uint64_t offset) const { return read<std::uint64_t>(offset); }

    // The NUL-terminated string starting at `offset`, which must end before `limit` (and before
    // the end of the data); nullopt if the offset is outside or no NUL is found in range.
    std::optional<std::string_view> cstring(std::uint64_t offset, std::uint64_t limit) const {
        if (limit > data_.size()) limit = data_.size();
        if (offset >= limit) return std::nullopt;
        auto begin = static_cast<std::size_t>(offset);
        auto nul = data_.find('\0', begin);
        if (nul == std::string_view::npos || nul >= limit) return std::nullopt;
        return data_.substr(begin, nul - begin);
    }
    std::optional<std::string_view> cstring(std::uint64_t offset) const {
        return cstring(offset, data_.size());
    }

    // The bytes [offset, offset + length), or nullopt if they do not fit.
    std::optional<std::string_view> slice(std::uint64_t offset, std::uint64_t length) const {
        if (!contains(offset, length)) return std::nullopt;
        return data_.substr(static_cast<std::size_t>(offset), static_cast<std::size_t>(length));
    }

private:
    template <class T>
    std::optional<T> read(std::uint64_t offset) const {
        if (!contains(offset, sizeof(T))) return std::nullopt;
        T value = 0;
        std::memcpy(&value, data_.data() + offset, sizeof(T));  // one unaligned load
        return order_ == std::endian::native ? value : swap_bytes(value);
    }

    std::string_view data_;
    std::endian order_;
};

// Appends integers in a fixed byte order.
class ByteWriter {
public:
    explicit ByteWriter(std::endian order) : order_(order) {}

    void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
    void u32(std::uint32_t v) { put(v); }
    void u64(std::uint64_t v) { put(v); }
    void i32(std::int32_t v) { put(static_cast<std::uint32_t>(v)); }
    void bytes(std::string_view s) { out_.append(s); }
    void zeros(std::size_t n) { out_.append(n, '\0'); }
    std::size_t size() const { return out_.size(); }
    void reserve(std::size_t n) { out_.reserve(n); }
    std::string take() { return std::move(out_); }

private:
    template <class T>
    void put(T v) {
        if (order_ != std::endian::native) v = swap_bytes(v);
        char raw[sizeof(T)];
        std::memcpy(raw, &v, sizeof(T));
        out_.append(raw, sizeof(T));
    }

    std::endian order_;
    std::string out_;
};

}  // namespace skiff::binio
