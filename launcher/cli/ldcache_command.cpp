// `skiff ldcache build`: the glibc linker cache skiff would install for an image and a set of
// injected library directories, written to a file. For inspection (`skiff ldcache print FILE`,
// `ldconfig -p -C FILE`) and for bench/ldcache; `skiff run` computes the same bytes in-process.
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string_view>

#include "common/env_map.hpp"
#include "common/replace_file.hpp"
#include "common/sys_error.hpp"
#include "launcher/cli/commands.hpp"
#include "launcher/image/image_file_source.hpp"
#include "launcher/gather/runtime_dir.hpp"
#include "libfabric-bind/linker_config.hpp"

namespace skiff::cli {
namespace {

constexpr const char* ldcache_usage =
    "usage: skiff ldcache build --root DIR|--image IMAGE [--add-dir DIR]... [--inject HOSTDIR:DIR]...\n"
    "                           -o FILE [--probe-memo FILE|none] [--timing]\n"
    "       skiff ldcache print FILE|--root DIR\n";

// A library directory to inject, in command-line order (earlier ones take precedence):
// --add-dir DIR names a directory inside the root, --inject HOSTDIR:DIR a host directory.
struct DirArg {
    bool inside_root = false;
    std::string host;
    std::string container;
};

struct BuildOptions {
    std::string image;
    std::vector<DirArg> dirs;
    std::string output;
    std::optional<std::string> probe_memo;  // unset: skiff's runtime directory's; "": none
    bool timing = false;
};

Result<void> add_inject(BuildOptions& o, const std::string& spec) {
    auto colon = spec.find(':');
    if (colon == std::string::npos)
        return fail("ldcache build: --inject '" + spec + "' must be HOSTDIR:CONTAINERDIR");
    o.dirs.push_back({false, spec.substr(0, colon), spec.substr(colon + 1)});
    return {};
}

Result<void> add_dir(BuildOptions& o, const std::string& dir) {
    if (!dir.starts_with('/'))
        return fail("ldcache build: --add-dir '" + dir + "' must be an absolute path inside the root");
    o.dirs.push_back({true, "", dir});
    return {};
}

Result<void> set_image(BuildOptions& o, const std::string& v) {
    o.image = v;
    return {};
}

Result<void> set_output(BuildOptions& o, const std::string& v) {
    o.output = v;
    return {};
}

Result<void> set_probe_memo(BuildOptions& o, const std::string& v) {
    o.probe_memo = v == "none" ? "" : v;
    return {};
}

Result<void> set_timing(BuildOptions& o, const std::string&) {
    o.timing = true;
    return {};
}

struct Flag {
    std::string_view name;
    bool takes_value;
    Result<void> (*apply)(BuildOptions&, const std::string&);
};

// --root and --image are one option (a directory, or a squashfs file); --add-dir needs a directory.
constexpr std::array<Flag, 8> build_flags = {{
    {"--root", true, set_image},
    {"--image", true, set_image},
    {"--add-dir", true, add_dir},
    {"--inject", true, add_inject},
    {"-o", true, set_output},
    {"--output", true, set_output},
    {"--probe-memo", true, set_probe_memo},
    {"--timing", false, set_timing},
}};

Result<BuildOptions> parse(const std::vector<std::string>& args) {
    BuildOptions o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const Flag* flag = nullptr;
        for (const Flag& f : build_flags)
            if (args[i] == f.name) flag = &f;
        if (flag == nullptr || (flag->takes_value && i + 1 == args.size()))
            return fail("ldcache build: unexpected argument '" + args[i] + "'; " + ldcache_usage);
        if (auto r = flag->apply(o, flag->takes_value ? args[++i] : std::string()); !r)
            return Unexpected(r.error());
    }
    if (o.image.empty() || o.output.empty()) return fail(std::string("ldcache build: ") + ldcache_usage);
    return o;
}

// A directory named on the command line must be one: a typo would otherwise build a cache
// without the libraries the user asked for, and exit 0.
Result<void> check_directory(const std::string& path, const std::string& option) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return Unexpected(SysError{errno, "stat", path}.to_error(option));
    if (!S_ISDIR(st.st_mode)) return fail(option + ": '" + path + "' is not a directory");
    return {};
}

// --add-dir DIR reads ROOT/<DIR with its symlinks resolved inside the root>, so that an
// absolute link in the image (lib -> /usr/lib) never leads to the host's directory.
Result<std::vector<ldcache::InjectedDir>> injected_dirs(const BuildOptions& o, const image::ImageSource& image,
                                                        ldcache::FileSource& files) {
    std::vector<ldcache::InjectedDir> dirs;
    for (const DirArg& d : o.dirs) {
        if (!d.inside_root) {
            if (auto r = check_directory(d.host, "ldcache build: --inject " + d.host + ":" + d.container); !r)
                return Unexpected(r.error());
            dirs.push_back({d.host, d.container});
            continue;
        }
        if (image.kind != image::ImageSource::Kind::directory)
            return fail("ldcache build: --add-dir '" + d.container + "' needs a directory root; for the squashfs '" +
                        image.path + "' use --inject HOSTDIR:" + d.container);
        auto resolved = ldcache::resolve_in_image(files, d.container);
        if (!resolved) return Unexpected(resolved.error());
        std::string host = image.path + (*resolved == "/" ? "" : *resolved);
        if (auto r = check_directory(host, "ldcache build: --add-dir " + d.container); !r) return Unexpected(r.error());
        dirs.push_back({std::move(host), d.container});
    }
    return dirs;
}

// The libraries' probes are remembered where `skiff run` remembers them (probe_memo.hpp), so
// that a second build reads only what changed; none if the runtime directory is unusable.
// `state` holds the memo's directory open while the memo is read and written.
std::string probe_memo_file(const BuildOptions& o, gather::StateDirs& state) {
    if (o.probe_memo) return *o.probe_memo;
    state = gather::state_dirs(env_from_envp(environ), ::getuid());
    return state.elf_probes();
}

int build(const std::vector<std::string>& args) {
    auto options = parse(args);
    if (!options) return report(options.error().message);
    auto image = image::classify(options->image, "command line", current_directory());
    if (!image) return report(image.error().message);
    auto start = std::chrono::steady_clock::now();
    auto files = image::open_file_source(*image);
    if (!files) return report(files.error().message);
    auto dirs = injected_dirs(*options, *image, **files);
    if (!dirs) return report(dirs.error().message);
    gather::StateDirs state;
    auto memo = ldcache::ProbeMemo::load(probe_memo_file(*options, state));
    auto plan = ldcache::plan_glibc_cache(**files, *dirs, ldcache::host_arch(), {}, {}, {}, &memo);
    if (!plan) return report(plan.error().message);
    memo.save();
    auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    print_warnings(plan->warnings);
    if (auto r = write_replacing(options->output, plan->bytes, 0644); !r) return report(r.error().message);
    if (options->timing)
        std::fprintf(stderr, "skiff: merged %zu entries (%zu image entries replaced) in %.2f ms\n", plan->entries,
                     plan->image_entries_replaced, elapsed);
    return 0;
}

}  // namespace

int ldcache_command(const std::vector<std::string>& words) {
    std::vector<std::string> rest(words.empty() ? words.end() : words.begin() + 1, words.end());
    if (asks_for_help(words)) return help_reply(ldcache_usage);
    if (!words.empty() && words[0] == "build") return build(rest);
    if (!words.empty() && words[0] == "print") return ldcache_print_command(rest);
    std::fputs(ldcache_usage, stderr);
    return 2;
}

}  // namespace skiff::cli
