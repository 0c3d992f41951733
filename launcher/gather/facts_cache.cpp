#include "launcher/gather/facts_cache.hpp"

#include <cstdio>
#include <limits>

#include "common/read_small_file.hpp"
#include "common/replace_file.hpp"
#include "launcher/gather/netstrings.hpp"

namespace skiff::gather {
namespace {

// Bump when ImageFacts, or the way skiff reads them from an image, changes.
constexpr std::string_view header = "skiff-image-facts 1\n";

}  // namespace

std::string encode_facts(const plan::ImageFacts& facts) {
    std::string out(header);
    put(out, std::to_string(facts.env.size()));
    for (const auto& [name, value] : facts.env) {
        put(out, name);
        put(out, value);
    }
    put_optional(out, facts.workdir);
    put_list(out, facts.entrypoint);
    put_list(out, facts.cmd);
    put_optional(out, facts.passwd);
    put_optional(out, facts.group);
    return out;
}

std::optional<plan::ImageFacts> decode_facts(std::string_view bytes) {
    if (!bytes.starts_with(header)) return std::nullopt;
    NetstringReader in(bytes.substr(header.size()));
    plan::ImageFacts facts;
    auto env_count = in.count();
    if (!env_count) return std::nullopt;
    for (std::size_t i = 0; i < *env_count; ++i) {
        auto name = in.next();
        auto value = in.next();
        if (!name || !value) return std::nullopt;
        facts.env.emplace_back(std::move(*name), std::move(*value));
    }
    bool ok = in.optional(facts.workdir) && in.list(facts.entrypoint) && in.list(facts.cmd) &&
              in.optional(facts.passwd) && in.optional(facts.group) && in.at_end();
    if (!ok) return std::nullopt;
    return facts;
}

std::string facts_cache_file(const std::string& cache_dir, const image::ImageSource& image) {
    return cache_dir + "/" + std::to_string(image.device) + "-" + std::to_string(image.inode) + "-" +
           std::to_string(image.size) + "-" + std::to_string(image.mtime_ns);
}

std::optional<plan::ImageFacts> load_cached_facts(const std::string& cache_dir, const image::ImageSource& image) {
    // No limit: the facts hold the image's /etc/passwd and /etc/group, whatever their size.
    auto bytes = read_small_file(facts_cache_file(cache_dir, image), std::numeric_limits<std::size_t>::max());
    if (!bytes) return std::nullopt;
    return decode_facts(*bytes);
}

void store_cached_facts(const std::string& cache_dir, const image::ImageSource& image, const plan::ImageFacts& facts) {
    replace_file(facts_cache_file(cache_dir, image), encode_facts(facts));
}

}  // namespace skiff::gather
