// A host file mapped read-only (RAII): `skiff ldcache print FILE`. Libraries are probed with
// pread (elf_probe.hpp probe_fd), image files are read through a FileSource (file_source.hpp).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace skiff::ldcache {

class MappedFile {
public:
    MappedFile() = default;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    ~MappedFile();

    // Opens and maps a regular file (following symlinks). An empty file maps to an empty view.
    static Result<MappedFile> open(const std::string& path);

    std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }

private:
    void reset();
    void* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace skiff::ldcache
