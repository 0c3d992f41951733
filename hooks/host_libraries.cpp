#include "hooks/host_libraries.hpp"

#include <glob.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "libfabric-bind/injection_checks.hpp"
#include "libfabric-bind/musl_path.hpp"

namespace skiff::hooks {
namespace {

// glob(3) on host paths; no shell is involved. Sorted, directories left out.
std::vector<std::string> host_glob(const std::string& pattern) {
    glob_t found{};
    std::unique_ptr<glob_t, decltype(&::globfree)> owner(&found, &::globfree);
    std::vector<std::string> out;
    if (::glob(pattern.c_str(), GLOB_MARK, nullptr, &found) != 0) return out;
    for (std::size_t i = 0; i < found.gl_pathc; ++i) {
        std::string path = found.gl_pathv[i];
        if (!path.ends_with("/")) out.push_back(std::move(path));
    }
    return out;
}

bool has_wildcard(std::string_view text) { return text.find_first_of("*?[") != std::string_view::npos; }

// The directories `pattern` names (glob(3) when it has wildcards), without their trailing '/'.
std::vector<std::string> directories_matching(const std::string& pattern) {
    if (!has_wildcard(pattern)) return {pattern};
    glob_t found{};
    std::unique_ptr<glob_t, decltype(&::globfree)> owner(&found, &::globfree);
    std::vector<std::string> out;
    if (::glob(pattern.c_str(), GLOB_MARK | GLOB_ONLYDIR, nullptr, &found) != 0) return out;
    for (std::size_t i = 0; i < found.gl_pathc; ++i)
        if (std::string_view path = found.gl_pathv[i]; path.ends_with("/")) out.emplace_back(path.substr(0, path.size() - 1));
    return out;
}

void add_glob_input(const std::string& pattern, std::vector<plan::HostInput>& inputs) {
    if (!has_wildcard(pattern)) {
        inputs.push_back({pattern, true});
        return;
    }
    // "/a/b*/c/d*": the directories "/a", "/a/b*" and "/a/b*/c", each level expanded.
    std::string prefix;
    bool listed = false;  // a component with wildcards came: from here on, each level is read
    std::size_t start = pattern.starts_with("/") ? 1 : 0;
    for (std::size_t end = pattern.find('/', start);; end = pattern.find('/', start)) {
        std::string_view component = std::string_view(pattern).substr(start, end == std::string::npos ? end : end - start);
        listed = listed || has_wildcard(component);
        if (listed) {
            std::string dir = !prefix.empty() ? prefix : (pattern.starts_with("/") ? "/" : ".");
            for (auto& path : directories_matching(dir)) inputs.push_back({std::move(path), false});
        }
        if (end == std::string::npos) return;
        prefix = pattern.substr(0, end);
        start = end + 1;
    }
}

std::string describe(const ldcache::ClosureLibrary& lib) { return lib.soname + " (" + lib.real_path + ")"; }

std::string injected_by(const std::vector<Contribution>& earlier, const std::string& name) {
    for (const auto& c : earlier)
        for (const auto& lib : c.libraries)
            if (lib.name == name) return c.hook;
    return {};
}

std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
    return out;
}

Result<void> check_abi(const HookContext& ctx, const ldcache::ClosureLibrary& lib, const ldcache::ArchInfo& arch) {
    if (auto problem = ldcache::glibc_problem(lib.info, ctx.libc.glibc_versions))
        return fail(describe(lib) + " " + *problem);
    if (auto problem = ldcache::soname_major_problem(lib.soname, ctx.image_cache, arch))
        return fail(describe(lib) + ": " + *problem);
    return {};
}

}  // namespace

// Host paths only: the rule against realpath() is about image paths (style.md rule 7).
std::string host_real_path(const std::string& path) {
    std::unique_ptr<char, decltype(&std::free)> real(::realpath(path.c_str(), nullptr), &std::free);
    return real ? std::string(real.get()) : path;
}

Result<std::vector<std::string>> expand_library_globs(const std::vector<std::string>& patterns, const std::string& key) {
    std::vector<std::string> out;
    for (const auto& pattern : patterns) {
        auto found = host_glob(pattern);
        if (found.empty()) return fail(key + ": '" + pattern + "' matches no file on this node");
        out.insert(out.end(), found.begin(), found.end());
    }
    return out;
}

void add_glob_inputs(const std::vector<std::string>& patterns, std::vector<plan::HostInput>& inputs) {
    for (const auto& pattern : patterns) add_glob_input(pattern, inputs);
}

std::vector<std::string> expand_device_globs(const std::vector<std::string>& patterns, std::vector<std::string>& missing) {
    std::vector<std::string> out;
    for (const auto& pattern : patterns) {
        auto found = host_glob(pattern);
        if (found.empty()) missing.push_back(pattern);
        out.insert(out.end(), found.begin(), found.end());
    }
    return out;
}

Result<LibrarySelection> select_libraries(const HookContext& ctx, const std::string& hook,
                                          const std::vector<std::string>& roots,
                                          const ldcache::ClosureOptions& options) {
    LibrarySelection out;
    const auto& arch = ctx.libc.arch ? *ctx.libc.arch : ldcache::host_arch();
    std::vector<std::string> earlier;  // injected by an earlier hook: neither injected nor followed
    ldcache::ClosureOptions closure_options{[&](std::string_view name) {
        if (auto by = injected_by(ctx.earlier, std::string(name)); !by.empty()) {
            earlier.push_back(std::string(name));
            out.notes.push_back(std::string(name) + ": already injected by the " + by + " hook");
            return true;
        }
        return options.exclude && options.exclude(name);
    }};
    auto closure = ldcache::library_closure(roots, ctx.host_libraries, arch, closure_options);
    if (!closure) return Unexpected(closure.error());
    for (const auto& lib : closure->libraries) out.inputs.push_back({lib.path, false});
    for (const auto& path : closure->looked_in_vain) out.inputs.push_back({path, true});
    std::vector<std::string> left_out;
    for (const auto& name : closure->left_out)
        if (std::find(earlier.begin(), earlier.end(), name) == earlier.end()) left_out.push_back(name);
    if (!left_out.empty()) out.notes.insert(out.notes.begin(), "left out, the image provides them: " + joined(left_out));
    if (!ctx.libc.glibc && !ctx.libc.musl) {
        out.notes.push_back("the image has no dynamic loader: no library is injected");
        return out;
    }
    std::vector<std::string> glibc_linked;
    for (const auto& lib : closure->libraries) {
        if (!ctx.libc.glibc && ldcache::is_glibc_linked(lib.info)) {
            glibc_linked.push_back(lib.soname);
            continue;
        }
        if (ctx.libc.glibc)
            if (auto ok = check_abi(ctx, lib, arch); !ok) return Unexpected(ok.error());
        std::string reason = lib.needed_by.empty() ? "site library" : "needed by " + lib.needed_by;
        out.libraries.push_back({lib.real_path, lib.soname, {}, std::move(reason)});
    }
    if (!glibc_linked.empty())
        out.musl_warning = hook + " hook: the image uses musl; " + std::to_string(glibc_linked.size()) +
                           " glibc-linked host libraries are not injected (" + joined(glibc_linked) + ")";
    return out;
}

}  // namespace skiff::hooks
