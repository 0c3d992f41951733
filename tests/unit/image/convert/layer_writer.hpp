// Writes layer tarballs for the conversion tests with libarchive (pax format, optionally
// gzip or zstd compressed), entry by entry.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <string>

namespace skiff::image::convert::test {

class LayerWriter {
public:
    enum class Filter { none, gzip, zstd };
    LayerWriter(const std::string& path, Filter filter = Filter::gzip) : a_(archive_write_new()) {
        archive_write_set_format_pax_restricted(a_.get());
        if (filter == Filter::gzip) archive_write_add_filter_gzip(a_.get());
        if (filter == Filter::zstd) archive_write_add_filter_zstd(a_.get());
        ok_ = archive_write_open_filename(a_.get(), path.c_str()) == ARCHIVE_OK;
    }
    ~LayerWriter() { close(); }
    bool ok() const { return ok_; }

    LayerWriter& file(const std::string& path, const std::string& data, unsigned mode = 0644) {
        return add(path, AE_IFREG, mode, data, nullptr, nullptr);
    }
    LayerWriter& dir(const std::string& path, unsigned mode = 0755) { return add(path, AE_IFDIR, mode, "", nullptr, nullptr); }
    LayerWriter& symlink(const std::string& path, const std::string& target) {
        return add(path, AE_IFLNK, 0777, "", target.c_str(), nullptr);
    }
    LayerWriter& hardlink(const std::string& path, const std::string& target) {
        return add(path, AE_IFREG, 0644, "", nullptr, target.c_str());
    }
    LayerWriter& fifo(const std::string& path) { return add(path, AE_IFIFO, 0644, "", nullptr, nullptr); }
    void close() {
        if (a_) archive_write_close(a_.get());
        a_.reset();
    }

private:
    LayerWriter& add(const std::string& path, unsigned type, unsigned mode, const std::string& data,
                     const char* symlink, const char* hardlink) {
        std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(), archive_entry_free);
        archive_entry_set_pathname(e.get(), path.c_str());
        archive_entry_set_filetype(e.get(), type);
        archive_entry_set_perm(e.get(), static_cast<mode_t>(mode));
        archive_entry_set_mtime(e.get(), 1700000000, 0);
        archive_entry_set_uid(e.get(), 1234);
        if (symlink) archive_entry_set_symlink(e.get(), symlink);
        if (hardlink) archive_entry_set_hardlink(e.get(), hardlink);
        archive_entry_set_size(e.get(), hardlink ? 0 : static_cast<la_int64_t>(data.size()));
        ok_ = ok_ && archive_write_header(a_.get(), e.get()) == ARCHIVE_OK;
        if (!data.empty()) ok_ = ok_ && archive_write_data(a_.get(), data.data(), data.size()) == static_cast<la_ssize_t>(data.size());
        return *this;
    }
    struct Free {
        void operator()(archive* a) const { archive_write_free(a); }
    };
    std::unique_ptr<archive, Free> a_;
    bool ok_ = false;
};

}  // namespace skiff::image::convert::test
