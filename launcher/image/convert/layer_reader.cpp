#include "launcher/image/convert/layer_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <array>
#include <memory>
#include <string_view>
#include <vector>

#include "launcher/image/convert/directory_layer.hpp"
#include "launcher/image/convert/tar_archive.hpp"
#include "common/sys_error.hpp"
#include "common/unique_fd.hpp"

namespace skiff::image::convert {
namespace {

constexpr std::size_t read_block = 1 << 17;

constexpr std::array<std::string_view, 9> layer_media_types = {
    "application/vnd.oci.image.layer.v1.tar",
    "application/vnd.oci.image.layer.v1.tar+gzip",
    "application/vnd.oci.image.layer.v1.tar+zstd",
    "application/vnd.oci.image.layer.nondistributable.v1.tar",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
    "application/vnd.docker.image.rootfs.diff.tar",
    "application/vnd.docker.image.rootfs.diff.tar.gzip",
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
};

std::string where(const LayerSource& layer) {
    if (layer.kind == LayerSource::Kind::archive_member) return "'" + layer.path + "' member '" + layer.member + "'";
    return "'" + layer.path + "'";
}

Result<TarArchive> open_archive(const LayerSource& layer) {
    if (layer.kind == LayerSource::Kind::archive_member) return TarArchive::open_member(layer.path, layer.member, layer.name);
    return TarArchive::open(layer.path, layer.name);
}

// ARCHIVE_WARN (an unknown pax keyword, ...) is not fatal; EOF gives false.
Result<bool> next_header(archive* a, archive_entry*& entry, const LayerSource& layer) {
    int r = archive_read_next_header(a, &entry);
    if (r == ARCHIVE_EOF) return false;
    if (r == ARCHIVE_OK || r == ARCHIVE_WARN) return true;
    return fail(layer.name + ": corrupt or unreadable layer archive " + where(layer) + ": " + archive_message(a));
}

std::string entry_path(archive_entry* entry) {
    const char* path = archive_entry_pathname(entry);
    if (!path) path = archive_entry_pathname_utf8(entry);
    return path ? path : "";
}

LayerEntry to_layer_entry(archive_entry* entry, std::size_t layer, std::size_t ordinal) {
    LayerEntry out;
    out.path = entry_path(entry);
    out.mode = archive_entry_perm(entry);
    out.mtime = archive_entry_mtime(entry);
    if (const char* hardlink = archive_entry_hardlink(entry)) {
        out.type = LayerEntry::Type::hardlink;
        out.link = hardlink;
        return out;
    }
    switch (archive_entry_filetype(entry)) {
        case AE_IFREG:
            out.type = LayerEntry::Type::file;
            out.data.kind = DataRef::Kind::layer_entry;
            out.data.layer = layer;
            out.data.ordinal = ordinal;
            out.data.size = static_cast<std::uint64_t>(archive_entry_size(entry));
            break;
        case AE_IFDIR: out.type = LayerEntry::Type::directory; break;
        case AE_IFLNK:
            out.type = LayerEntry::Type::symlink;
            out.link = archive_entry_symlink(entry) ? archive_entry_symlink(entry) : "";
            break;
        default: out.type = LayerEntry::Type::other;
    }
    return out;
}

Result<void> copy_entry_data(archive* a, const LayerSource& layer, SquashfsWriter& writer) {
    std::vector<char> buffer(read_block);
    for (;;) {
        la_ssize_t n = archive_read_data(a, buffer.data(), buffer.size());
        if (n == 0) return {};
        if (n < 0) return fail(layer.name + ": corrupt layer archive " + where(layer) + ": " + archive_message(a));
        if (auto r = writer.append(buffer.data(), static_cast<std::size_t>(n)); !r) return r;
    }
}

}  // namespace

Result<void> check_layer_media_type(const std::string& media_type) {
    for (std::string_view known : layer_media_types)
        if (media_type == known) return {};
    return fail("unsupported layer media type '" + media_type + "'; skiff reads tar layers (plain, gzip or zstd)");
}

Result<void> read_layer_tree(const LayerSource& layer, std::size_t index, LayerTree& tree) {
    if (layer.kind == LayerSource::Kind::directory) return read_directory_tree(layer, index, tree);
    auto a = open_archive(layer);
    if (!a) return Unexpected(a.error());
    archive_entry* entry = nullptr;
    for (std::size_t ordinal = 0;; ++ordinal) {
        auto more = next_header(a->get(), entry, layer);
        if (!more) return Unexpected(more.error());
        if (!*more) return {};
        if (auto r = tree.apply(to_layer_entry(entry, index, ordinal), index, layer.whiteouts); !r)
            return fail(layer.name + ": " + r.error().message);
    }
}

Result<void> stream_layer_data(const LayerSource& layer, const WantedEntries& wanted, SquashfsWriter& writer) {
    if (wanted.empty() || layer.kind == LayerSource::Kind::directory) return {};
    auto a = open_archive(layer);
    if (!a) return Unexpected(a.error());
    archive_entry* entry = nullptr;
    std::size_t last = wanted.rbegin()->first;
    for (std::size_t ordinal = 0; ordinal <= last; ++ordinal) {
        auto more = next_header(a->get(), entry, layer);
        if (!more) return Unexpected(more.error());
        if (!*more) return fail(layer.name + ": " + where(layer) + " changed while it was read");
        auto it = wanted.find(ordinal);
        if (it == wanted.end()) continue;
        if (auto r = writer.begin_file(*it->second); !r) return r;
        if (auto r = copy_entry_data(a->get(), layer, writer); !r) return r;
        if (auto r = writer.end_file(); !r) return r;
    }
    return {};
}

Result<void> write_file_data(const Inode& file, SquashfsWriter& writer) {
    if (file.data.kind == DataRef::Kind::inline_bytes) {
        if (auto r = writer.begin_file(file); !r) return r;
        if (auto r = writer.append(file.data.bytes.data(), file.data.bytes.size()); !r) return r;
        return writer.end_file();
    }
    if (file.data.kind != DataRef::Kind::host_file) return {};
    const std::string& path = file.data.host_path;
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY));
    if (!fd.valid()) return Unexpected(SysError{errno, "open", path}.to_error("image source"));
    if (auto r = writer.begin_file(file); !r) return r;
    std::vector<char> buffer(read_block);
    for (;;) {
        ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Unexpected(SysError{errno, "read", path}.to_error("image source"));
        if (n == 0) break;
        if (auto r = writer.append(buffer.data(), static_cast<std::size_t>(n)); !r) return r;
    }
    return writer.end_file();
}

}  // namespace skiff::image::convert
