#include "launcher/cli/image_facts.hpp"

#include "launcher/cli/facts_cache.hpp"
#include "launcher/image/metadata.hpp"

namespace skiff::cli {

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

Result<plan::ImageFacts> read_image_facts(const image::ImageSource& image, const std::string& cache_dir, bool& from_cache) {
    from_cache = false;
    bool cacheable = !cache_dir.empty() && image.kind == image::ImageSource::Kind::squashfs;
    if (!cacheable) return read_image_facts(image);
    if (auto cached = load_cached_facts(cache_dir, image)) {
        from_cache = true;
        return std::move(*cached);
    }
    auto facts = read_image_facts(image);
    if (facts) store_cached_facts(cache_dir, image, *facts);
    return facts;
}

}  // namespace skiff::cli
