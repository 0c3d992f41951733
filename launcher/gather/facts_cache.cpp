#include "launcher/gather/facts_cache.hpp"

#include <charconv>
#include <cstdio>
#include <limits>

#include "common/read_small_file.hpp"
#include "common/replace_file.hpp"

namespace skiff::gather {
namespace {

// Bump when ImageFacts, or the way skiff reads them from an image, changes.
constexpr std::string_view header = "skiff-image-facts 1\n";

// Every field is a netstring ("<length>:<bytes>,"), so any byte may appear in a value.
void put(std::string& out, std::string_view value) {
    out += std::to_string(value.size());
    out += ':';
    out += value;
    out += ',';
}

void put_list(std::string& out, const std::vector<std::string>& values) {
    put(out, std::to_string(values.size()));
    for (const auto& value : values) put(out, value);
}

void put_optional(std::string& out, const std::optional<std::string>& value) {
    put(out, value ? "1" : "0");
    if (value) put(out, *value);
}

class Reader {
public:
    explicit Reader(std::string_view bytes) : rest_(bytes) {}

    std::optional<std::string> next() {
        std::size_t length = 0;
        auto [end, ec] = std::from_chars(rest_.data(), rest_.data() + rest_.size(), length);
        std::size_t digits = static_cast<std::size_t>(end - rest_.data());
        if (ec != std::errc{} || digits == 0 || digits >= rest_.size() || rest_[digits] != ':') return std::nullopt;
        rest_.remove_prefix(digits + 1);
        if (length >= rest_.size() || rest_[length] != ',') return std::nullopt;
        std::string value(rest_.substr(0, length));
        rest_.remove_prefix(length + 1);
        return value;
    }

    std::optional<std::size_t> count() {
        auto text = next();
        std::size_t n = 0;
        if (!text || std::from_chars(text->data(), text->data() + text->size(), n).ec != std::errc{}) return std::nullopt;
        return n;
    }

    bool list(std::vector<std::string>& out) {
        auto n = count();
        if (!n) return false;
        for (std::size_t i = 0; i < *n; ++i) {
            auto value = next();
            if (!value) return false;
            out.push_back(std::move(*value));
        }
        return true;
    }

    bool optional(std::optional<std::string>& out) {
        auto present = next();
        if (!present || (*present != "0" && *present != "1")) return false;
        if (*present == "1") out = next();
        return *present == "0" || out.has_value();
    }

    bool at_end() const { return rest_.empty(); }

private:
    std::string_view rest_;
};

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
    Reader in(bytes.substr(header.size()));
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
