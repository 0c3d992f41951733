#include "launcher/gather/image_facts.hpp"

#include "launcher/gather/facts_cache.hpp"
#include "launcher/image/metadata.hpp"
#include "namespaces/child_call.hpp"

namespace skiff::gather {

Result<plan::ImageFacts> read_image_facts(const image::ImageSource& image) {
    auto files = image::open_image_files(image);
    if (!files) return Unexpected(files.error());
    auto metadata = image::read_metadata(image, *files);
    if (!metadata) return Unexpected(metadata.error());
    plan::ImageFacts facts;
    facts.env = metadata->env;
    facts.workdir = metadata->workdir;
    facts.entrypoint = metadata->entrypoint;
    if (metadata->enroot_rc) facts.entrypoint = {image::enroot_rc_path};
    facts.cmd = metadata->cmd;
    auto passwd = (*files)("/etc/passwd");
    if (!passwd) return Unexpected(passwd.error());
    facts.passwd = *passwd;
    auto group = (*files)("/etc/group");
    if (!group) return Unexpected(group.error());
    facts.group = *group;
    return facts;
}

namespace {

constexpr std::size_t facts_limit = std::size_t{16} << 20;  // metadata, passwd and group: 1 MiB each at most

// A squashfs image's bytes are hostile: they are parsed in a child process (namespaces/
// child_call.hpp), so that a parser bug costs one error line and not the launcher. Only on a
// facts-cache miss: a warm launch reads the cache.
Result<plan::ImageFacts> read_facts_in_child(const image::ImageSource& image) {
    auto child = ns::call_in_child(
        [&] {
            auto facts = read_image_facts(image);
            return facts ? "F" + encode_facts(*facts) : "E" + facts.error().message;
        },
        facts_limit);
    if (!child) return Unexpected(child.error().to_error("image '" + image.path + "'"));
    if (child->signal != 0)
        return fail("image '" + image.path + "': reading its metadata ended with signal " +
                    std::to_string(child->signal) + "; the image is damaged or crafted");
    std::string_view bytes = child->bytes;
    if (bytes.starts_with('E')) return fail(std::string(bytes.substr(1)));
    auto facts = bytes.starts_with('F') ? decode_facts(bytes.substr(1)) : std::nullopt;
    if (!facts) return fail("image '" + image.path + "': its metadata reader sent nothing readable");
    return std::move(*facts);
}

}  // namespace

Result<plan::ImageFacts> read_image_facts(const image::ImageSource& image, const std::string& cache_dir, bool& from_cache,
                                          CacheMiss miss) {
    from_cache = false;
    if (image.kind != image::ImageSource::Kind::squashfs) return read_image_facts(image);
    if (!cache_dir.empty()) {
        if (auto cached = load_cached_facts(cache_dir, image)) {
            from_cache = true;
            return std::move(*cached);
        }
    }
    auto facts = read_facts_in_child(image);
    if (facts && !cache_dir.empty() && miss == CacheMiss::store) store_cached_facts(cache_dir, image, *facts);
    return facts;
}

}  // namespace skiff::gather
