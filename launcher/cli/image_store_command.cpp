// `skiff image pull|import|ls|rm` (edf.md §7.2). pull and import run skiff-pull; ls and rm
// need no heavy library and work on the store directly.
#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "launcher/cli/commands.hpp"
#include "launcher/image/pull_helper.hpp"
#include "launcher/image/local.hpp"
#include "launcher/image/metadata.hpp"
#include "launcher/image/metadata_format.hpp"
#include "launcher/image/squashfs_reader.hpp"
#include "launcher/image/store.hpp"
#include "common/sys_error.hpp"

namespace skiff::cli {
namespace {

constexpr double mebibyte = 1024.0 * 1024.0;

// The "reference REF" line skiff-pull writes into the image's metadata, or "-".
std::string stored_reference(const std::string& file) {
    auto text = image::read_file(file, image::skiff_metadata_path);
    if (!text || !*text) return "-";
    std::string prefix = std::string(image::metadata_reference_keyword) + " ";
    for (std::size_t at = 0; at < (*text)->size();) {
        auto end = std::min((*text)->find('\n', at), (*text)->size());
        std::string line = (*text)->substr(at, end - at);
        if (line.starts_with(prefix)) return line.substr(prefix.size());
        at = end + 1;
    }
    return "-";
}

std::string date(std::int64_t seconds) {
    std::time_t t = seconds;
    std::tm local{};
    ::localtime_r(&t, &local);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &local);
    return text;
}

Result<image::StoreLocation> usable_store() {
    auto store = image::locate_store(env_from_envp(environ));
    if (!store) return store;
    if (store->is_void)
        return fail(store->warning.empty() ? "EDF_IMAGESTORE=void: there is no image store" : store->warning);
    return store;
}

}  // namespace

int image_ls(const std::vector<std::string>& args) {
    if (!args.empty()) return report("image ls: unexpected argument '" + args[0] + "'");
    auto store = usable_store();
    if (!store) return report(store.error().message);
    auto images = image::list_store(store->dir);
    if (!images) return report(images.error().message);
    std::printf("%-50s %-8s %10s  %-16s  %s\n", "REFERENCE", "ARCH", "SIZE", "DATE", "FILE");
    for (const auto& i : *images)
        std::printf("%-50s %-8s %9.1fM  %-16s  %s\n", stored_reference(i.file).c_str(), i.arch.c_str(),
                    static_cast<double>(i.size) / mebibyte, date(i.mtime).c_str(), i.name.c_str());
    return 0;
}

int image_rm(const std::vector<std::string>& args) {
    if (args.size() != 1 || args[0].starts_with('-')) return report("image rm: usage: skiff image rm REF");
    auto ref = image::classify_registry(args[0], "", current_directory());
    if (!ref) return report(ref.error().message);
    auto store = usable_store();
    if (!store) return report(store.error().message);
    std::string file = image::store_file(*store, *ref, image::machine_architecture());
    // Under the lock, so that a pull of the same image is not cut short; a running container
    // keeps its open file, and the blob cache is left alone.
    auto lock = image::lock_store_file(file);
    if (!lock) return report(lock.error().message);
    if (::unlink(file.c_str()) != 0) {
        if (errno == ENOENT) return report("image '" + args[0] + "' is not in the image store (" + file + ")");
        return report(SysError{errno, "unlink", file}.to_error("image rm").message);
    }
    std::fprintf(stderr, "skiff: removed %s\n", file.c_str());
    return 0;
}

int image_pull(const std::vector<std::string>& args) {
    if (args.size() != 1 || args[0].starts_with('-')) return report("image pull: usage: skiff image pull REF");
    auto ref = image::classify_registry(args[0], "", current_directory());
    if (!ref) return report(ref.error().message);
    return report(image::exec_pull_helper({"pull", args[0]}).message);
}

int image_import(const std::vector<std::string>& args) {
    std::vector<std::string> helper_args{"import"};
    helper_args.insert(helper_args.end(), args.begin(), args.end());
    return report(image::exec_pull_helper(helper_args).message);
}

}  // namespace skiff::cli
