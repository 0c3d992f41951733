#include "launcher/gather/overlay_record.hpp"

#include <charconv>
#include <vector>

#include "common/split.hpp"

namespace skiff::gather {
namespace {

constexpr std::string_view record_header = "skiff-overlay-image 1";

const char* record_kind_name(image::ImageSource::Kind kind) {
    return kind == image::ImageSource::Kind::squashfs ? "squashfs" : "directory";
}

template <typename T>
bool record_number(std::string_view text, T& out) {
    const char* end = text.data() + text.size();
    auto [stop, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc{} && stop == end && !text.empty();
}

// "DEV INO SIZE MTIME_NS"
bool record_file(std::string_view text, image::ImageSource& image) {
    auto fields = split(text, ' ');
    return fields.size() == 4 && record_number(fields[0], image.device) && record_number(fields[1], image.inode) &&
           record_number(fields[2], image.size) && record_number(fields[3], image.mtime_ns);
}

// One "key value" line, the key checked; false at the end or on another key.
bool record_line(std::string_view& text, std::string_view key, std::string_view& value) {
    auto end = text.find('\n');
    if (end == std::string_view::npos) return false;
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end + 1);
    if (!line.starts_with(key) || line.size() <= key.size() || line[key.size()] != ' ') return false;
    value = line.substr(key.size() + 1);
    return true;
}

}  // namespace

Result<std::string> format_image_record(const image::ImageSource& image) {
    if (image.path.find('\n') != std::string::npos)
        return fail("image '" + image.path + "': an --overlay DIR cannot record an image path with a newline");
    std::string text(record_header);
    text += "\nkind ";
    text += record_kind_name(image.kind);
    text += "\nfile " + std::to_string(image.device) + " " + std::to_string(image.inode) + " " +
            std::to_string(image.size) + " " + std::to_string(image.mtime_ns);
    return text + "\npath " + image.path + "\n";
}

std::optional<image::ImageSource> parse_image_record(std::string_view text) {
    if (!text.starts_with(record_header) || text.substr(record_header.size(), 1) != "\n") return std::nullopt;
    text.remove_prefix(record_header.size() + 1);
    image::ImageSource image;
    std::string_view kind, file, path;
    if (!record_line(text, "kind", kind) || !record_line(text, "file", file) || !record_line(text, "path", path) ||
        !text.empty())
        return std::nullopt;
    if (kind == "directory") image.kind = image::ImageSource::Kind::directory;
    else if (kind != "squashfs") return std::nullopt;
    if (!record_file(file, image) || !path.starts_with('/')) return std::nullopt;
    image.path = std::string(path);
    return image;
}

bool same_image(const image::ImageSource& recorded, const image::ImageSource& image) {
    if (recorded.kind != image.kind || recorded.path != image.path || recorded.device != image.device ||
        recorded.inode != image.inode)
        return false;
    return image.kind == image::ImageSource::Kind::directory ||
           (recorded.size == image.size && recorded.mtime_ns == image.mtime_ns);
}

std::string image_mismatch(const std::optional<image::ImageSource>& recorded, const image::ImageSource& image) {
    if (!recorded) return "its image record is damaged, so it may hold changes to another image than '" + image.path + "'";
    if (recorded->path != image.path)
        return "it holds changes to image '" + recorded->path + "', not '" + image.path + "'";
    return "it holds changes to image '" + image.path + "' as it was before it was replaced or modified";
}

}  // namespace skiff::gather
