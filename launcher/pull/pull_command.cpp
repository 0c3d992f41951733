// `skiff-pull pull REF [-o FILE]`: a registry image into the store (edf.md §7.2) or into FILE.
// Into the store: a stored file is used as is; otherwise the pull runs under the file's lock,
// and a process that waited for the lock finds the file there and pulls nothing.
#include <stdlib.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <optional>

#include "common/env_map.hpp"
#include "launcher/image/convert/image_source.hpp"
#include "launcher/image/registry/fetched_image.hpp"
#include "launcher/image/registry/insecure.hpp"
#include "launcher/image/registry/netrc.hpp"
#include "launcher/image/registry/platform.hpp"
#include "launcher/image/store.hpp"
#include "launcher/pull/commands.hpp"
#include "launcher/pull/convert_output.hpp"
#include "launcher/pull/progress.hpp"

namespace skiff::pull {
namespace {

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

// A private blob cache for a pull outside the store, removed with everything in it.
class TempDirectory {
public:
    static Result<TempDirectory> create(const EnvMap& env) {
        std::string base = temporary_directory(env);
        std::string path = base + "/skiff-blobs-XXXXXX";
        if (!::mkdtemp(path.data())) return fail("cannot create a temporary directory in '" + base + "'");
        return TempDirectory(path);
    }
    TempDirectory(TempDirectory&& o) noexcept : path_(std::exchange(o.path_, "")) {}
    ~TempDirectory() {
        std::error_code ec;
        if (!path_.empty()) std::filesystem::remove_all(path_, ec);
    }
    const std::string& path() const { return path_; }

private:
    explicit TempDirectory(std::string path) : path_(std::move(path)) {}
    std::string path_;
};

Result<void> fetch_and_convert(const image::RegistryRef& ref, const std::string& output,
                               const std::string& blob_cache, const EnvMap& env) {
    ProgressPrinter printer;
    image::FetchOptions options;
    options.blob_cache = blob_cache;
    options.credentials = image::default_credentials_path(env);
    options.allow_plain_http = image::plain_http_allowed(ref, env);
    options.progress = [&](const std::string& text) { printer.event(text); };
    printer.event("pulling " + ref.canonical());
    auto fetched = image::fetch_image(ref, options);
    if (!fetched) return Unexpected(fetched.error());
    std::string wanted = image::host_platform().architecture;
    if (!fetched->architecture.empty() && fetched->architecture != wanted)
        return fail("image '" + ref.canonical() + "' is for architecture '" + fetched->architecture +
                    "', this node is '" + wanted + "'");
    auto input = image::convert::fetched_source(*fetched);
    if (!input) return Unexpected(input.error());
    for (const auto& w : input->warnings) std::fprintf(stderr, "skiff: warning: %s\n", w.c_str());
    input->convert.reference = ref.canonical();
    return convert_into(input->convert, output, {});
}

int pull_into_store(const image::RegistryRef& ref, const EnvMap& env) {
    auto store = image::locate_store(env);
    if (!store) return report(store.error().message);
    if (store->is_void)
        return report((store->warning.empty() ? "EDF_IMAGESTORE=void" : store->warning) +
                      ": there is no image store to pull into");
    std::string file = image::store_file(*store, ref, image::machine_architecture());
    if (!exists(file)) {
        auto lock = image::lock_store_file(file);
        if (!lock) return report(lock.error().message);
        if (!exists(file)) {  // else another process pulled it while we waited
            auto done = fetch_and_convert(ref, file, store->dir + "/" + image::blob_cache_dir, env);
            if (!done) return report(done.error().message);
        }
    }
    std::printf("%s\n", file.c_str());
    return 0;
}

}  // namespace

int pull_command(const std::vector<std::string>& args, const EnvMap& env) {
    std::optional<std::string> reference, output;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "-o" && i + 1 < args.size()) output = args[++i];
        else if (!args[i].starts_with('-') && !reference) reference = args[i];
        else return report("image pull: unexpected argument '" + args[i] + "'");
    }
    if (!reference) return report("image pull: usage: skiff image pull REF");
    auto ref = image::parse_reference(*reference);
    if (!ref) return report(ref.error().message);
    if (!output) return pull_into_store(*ref, env);
    auto blobs = TempDirectory::create(env);
    if (!blobs) return report(blobs.error().message);
    auto done = fetch_and_convert(*ref, *output, blobs->path(), env);
    if (!done) return report(done.error().message);
    std::printf("%s\n", output->c_str());
    return 0;
}

}  // namespace skiff::pull
