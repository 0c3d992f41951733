// `skiff ldcache build`: the glibc linker cache skiff would install for an image and a set of
// injected library directories, written to a file. For inspection (ldconfig -p -C FILE) and
// for bench/ldcache; `skiff run` computes the same bytes in-process.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "launcher/cli/commands.hpp"
#include "launcher/image/image_file_source.hpp"
#include "libfabric-bind/linker_config.hpp"

namespace skiff::cli {
namespace {

constexpr const char* usage =
    "usage: skiff ldcache build --image IMAGE --inject HOSTDIR:CONTAINERDIR... -o FILE [--timing]\n";

struct BuildOptions {
    std::string image;
    std::vector<ldcache::InjectedDir> dirs;
    std::string output;
    bool timing = false;
};

Result<BuildOptions> parse(const std::vector<std::string>& args) {
    BuildOptions o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        bool has_value = i + 1 < args.size();
        if (a == "--timing") o.timing = true;
        else if (a == "--image" && has_value) o.image = args[++i];
        else if ((a == "-o" || a == "--output") && has_value) o.output = args[++i];
        else if (a == "--inject" && has_value) {
            const std::string& spec = args[++i];
            auto colon = spec.find(':');
            if (colon == std::string::npos) return fail("ldcache build: --inject '" + spec + "' must be HOSTDIR:CONTAINERDIR");
            o.dirs.push_back({spec.substr(0, colon), spec.substr(colon + 1)});
        } else return fail("ldcache build: unexpected argument '" + a + "'; " + usage);
    }
    if (o.image.empty() || o.output.empty()) return fail(std::string("ldcache build: ") + usage);
    return o;
}

// Write-then-rename: a reader never sees a half-written cache.
Result<void> write_atomically(const std::string& path, const std::string& bytes) {
    std::string temporary = path + ".skiff-new";
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return fail("cannot create '" + temporary + "'");
    bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
    ok = ::close(fd) == 0 && ok;
    if (!ok || ::rename(temporary.c_str(), path.c_str()) != 0) {
        ::unlink(temporary.c_str());
        return fail("cannot write '" + path + "'");
    }
    return {};
}

int build(const std::vector<std::string>& args) {
    auto options = parse(args);
    if (!options) return report(options.error().message);
    auto image = image::classify(options->image, "command line", current_directory());
    if (!image) return report(image.error().message);
    auto start = std::chrono::steady_clock::now();
    auto files = image::open_file_source(*image);
    if (!files) return report(files.error().message);
    auto plan = ldcache::plan_glibc_cache(**files, options->dirs, ldcache::host_arch());
    if (!plan) return report(plan.error().message);
    auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    print_warnings(plan->warnings);
    if (auto r = write_atomically(options->output, plan->bytes); !r) return report(r.error().message);
    if (options->timing)
        std::fprintf(stderr, "skiff: merged %zu entries (%zu image entries replaced) in %.2f ms\n", plan->entries,
                     plan->image_entries_replaced, elapsed);
    return 0;
}

}  // namespace

int ldcache_command(const std::vector<std::string>& words) {
    if (words.empty() || words[0] != "build") {
        std::fputs(usage, stderr);
        return 2;
    }
    return build(std::vector<std::string>(words.begin() + 1, words.end()));
}

}  // namespace skiff::cli
