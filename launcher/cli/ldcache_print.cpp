// `skiff ldcache print FILE|--root DIR`: the entries of an ld.so.cache in file order, laid out
// like `ldconfig -p` (cache_listing.hpp). A file the reader refuses (truncated, wrong byte
// order, no known magic) gives one error line naming it and the problem, and exit status 1.
#include <cstdio>

#include "launcher/cli/commands.hpp"
#include "launcher/image/image_file_source.hpp"
#include "libfabric-bind/cache_listing.hpp"
#include "libfabric-bind/cache_reader.hpp"
#include "libfabric-bind/linker_config.hpp"
#include "libfabric-bind/mapped_file.hpp"

namespace skiff::cli {
namespace {

constexpr const char* print_usage = "usage: skiff ldcache print FILE|--root DIR\n";
constexpr int kUnreadable = 1;

int print_error(const std::string& message) {
    std::fprintf(stderr, "skiff: error: %s\n", message.c_str());
    return kUnreadable;
}

int print_bytes(std::string_view bytes, const std::string& name) {
    auto parsed = ldcache::read_cache(bytes, ldcache::host_arch().byte_order, name);
    if (!parsed) return print_error(parsed.error().message);
    std::fputs(ldcache::format_listing(*parsed, name).c_str(), stdout);
    print_warnings(parsed->warnings);
    return 0;
}

int print_file(const std::string& path) {
    auto file = ldcache::MappedFile::open(path);
    if (!file) return print_error("ldcache print: " + file.error().message);
    return print_bytes(file->bytes(), path);
}

// DIR/etc/ld.so.cache, with symlinks resolved inside DIR (as the container's loader sees it).
int print_root(const std::string& root) {
    auto image = image::classify(root, "ldcache print --root", current_directory());
    if (!image) return print_error(image.error().message);
    auto files = image::open_file_source(*image);
    if (!files) return print_error(files.error().message);
    std::string name = image->path + "/etc/ld.so.cache";
    auto bytes = (*files)->read("/etc/ld.so.cache", ldcache::image_cache_limit);
    if (!bytes) return print_error(bytes.error().message);
    if (!*bytes) return print_error("ldcache print: '" + image->path + "' has no /etc/ld.so.cache");
    return print_bytes(**bytes, name);
}

}  // namespace

int ldcache_print_command(const std::vector<std::string>& args) {
    if (args.size() == 2 && args[0] == "--root") return print_root(args[1]);
    if (args.size() == 1 && !args[0].starts_with('-')) return print_file(args[0]);
    std::fputs(print_usage, stderr);
    return 2;
}

}  // namespace skiff::cli
