#include "launcher/image/convert/tar_archive.hpp"

#include <cerrno>
#include <vector>

namespace skiff::image::convert {
namespace {

constexpr std::size_t archive_buffer = 1 << 16;
constexpr std::size_t mib = 1 << 20;

// Every filter libarchive knows (a rootfs tarball may be .tar.xz); only tar formats.
Archive new_tar_reader() {
    Archive a(archive_read_new());
    if (!a) return a;
    archive_read_support_filter_all(a.get());
    archive_read_support_format_tar(a.get());
    archive_read_support_format_gnutar(a.get());
    return a;
}

std::string entry_name(archive_entry* entry) {
    const char* path = archive_entry_pathname(entry);
    if (!path) path = archive_entry_pathname_utf8(entry);
    return path ? path : "";
}

}  // namespace

// The outer archive, positioned at the member, and the block its data is read into.
struct OuterArchive {
    Archive a;
    std::vector<char> block = std::vector<char>(archive_buffer);
};

namespace {

// libarchive's read callback for the inner archive: the next bytes of the outer member.
la_ssize_t read_outer(archive* inner, void* client, const void** buffer) {
    auto* outer = static_cast<OuterArchive*>(client);
    la_ssize_t n = archive_read_data(outer->a.get(), outer->block.data(), outer->block.size());
    if (n < 0) archive_set_error(inner, EIO, "%s", archive_message(outer->a.get()).c_str());
    *buffer = outer->block.data();
    return n;
}

Result<Archive> open_file(const std::string& path, const std::string& name) {
    Archive a = new_tar_reader();
    if (!a) return fail(name + ": out of memory");
    if (archive_read_open_filename(a.get(), path.c_str(), archive_buffer) != ARCHIVE_OK)
        return fail(name + ": corrupt or unreadable archive '" + path + "': " + archive_message(a.get()));
    return a;
}

}  // namespace

std::string archive_message(archive* a) {
    const char* text = archive_error_string(a);
    return text ? text : "unknown libarchive error";
}

std::string normal_member_name(const std::string& name) {
    std::string out;
    std::size_t at = 0;
    while (at <= name.size()) {
        std::size_t slash = std::min(name.find('/', at), name.size());
        std::string part = name.substr(at, slash - at);
        if (!part.empty() && part != ".") out += (out.empty() ? "" : "/") + part;
        at = slash + 1;
    }
    return out;
}

TarArchive::TarArchive() = default;
TarArchive::TarArchive(TarArchive&&) noexcept = default;
// The old inner archive goes before the outer one it reads from.
TarArchive& TarArchive::operator=(TarArchive&& other) noexcept {
    inner_ = std::move(other.inner_);
    outer_ = std::move(other.outer_);
    return *this;
}
TarArchive::~TarArchive() = default;

Result<TarArchive> TarArchive::open(const std::string& path, const std::string& name) {
    auto a = open_file(path, name);
    if (!a) return Unexpected(a.error());
    TarArchive out;
    out.inner_ = std::move(*a);
    return out;
}

Result<TarArchive> TarArchive::open_member(const std::string& path, const std::string& member, const std::string& name) {
    auto a = open_file(path, name);
    if (!a) return Unexpected(a.error());
    TarArchive out;
    out.outer_ = std::make_unique<OuterArchive>();
    out.outer_->a = std::move(*a);
    auto found = seek_member(out.outer_->a.get(), member, name);
    if (!found) return Unexpected(found.error());
    if (!*found) return fail(name + ": '" + path + "' has no member '" + member + "'");
    out.inner_ = new_tar_reader();
    if (!out.inner_) return fail(name + ": out of memory");
    if (archive_read_open(out.inner_.get(), out.outer_.get(), nullptr, read_outer, nullptr) != ARCHIVE_OK)
        return fail(name + ": corrupt or unreadable member '" + member + "' of '" + path + "': " +
                    archive_message(out.inner_.get()));
    return out;
}

Result<bool> seek_member(archive* a, const std::string& member, const std::string& name) {
    const std::string wanted = normal_member_name(member);
    archive_entry* entry = nullptr;
    for (;;) {
        int r = archive_read_next_header(a, &entry);
        if (r == ARCHIVE_EOF) return false;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) return fail(name + ": corrupt archive: " + archive_message(a));
        if (archive_entry_filetype(entry) == AE_IFREG && !archive_entry_hardlink(entry) &&
            normal_member_name(entry_name(entry)) == wanted)
            return true;
    }
}

Result<std::string> read_entry(archive* a, std::size_t max_bytes, const std::string& name) {
    std::string out;
    std::vector<char> block(archive_buffer);
    for (;;) {
        la_ssize_t n = archive_read_data(a, block.data(), block.size());
        if (n == 0) return out;
        if (n < 0) return fail(name + ": corrupt archive: " + archive_message(a));
        if (out.size() + static_cast<std::size_t>(n) > max_bytes)
            return fail(name + ": larger than " + std::to_string(max_bytes / mib) + " MiB");
        out.append(block.data(), static_cast<std::size_t>(n));
    }
}

Result<std::string> read_member(const std::string& path, const std::string& member, std::size_t max_bytes,
                                const std::string& name) {
    auto a = open_file(path, name);
    if (!a) return Unexpected(a.error());
    auto found = seek_member(a->get(), member, name);
    if (!found) return Unexpected(found.error());
    if (!*found) return fail(name + ": '" + path + "' has no member '" + member + "'");
    return read_entry(a->get(), max_bytes, name);
}

}  // namespace skiff::image::convert
