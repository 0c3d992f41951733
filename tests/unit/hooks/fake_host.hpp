// Test helpers for the network hooks: a fake host stack of synthetic ELF libraries in a
// temporary directory (no toolchain needed), image C-library facts, and site configurations.
#pragma once

#include <string>
#include <vector>

#include "hooks/hook_context.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/ldcache/elf_builder.hpp"
#include "tests/unit/ldcache/ldcache_test_support.hpp"

namespace skiff::hooks::testing {

// A library file `name` in `dir` with `soname` and `needed`, needing `glibc` from libc.so.6.
inline std::string write_library(const test::TempDir& dir, const std::string& name, const std::string& soname,
                                 std::vector<std::string> needed, const std::string& glibc = "GLIBC_2.34") {
    ldtest::ElfSpec spec;
    spec.soname = soname;
    spec.needed = std::move(needed);
    spec.version_needs = {{"libc.so.6", {"GLIBC_2.2.5", glibc}}};
    return dir.write_file(name, ldtest::build_elf(spec));
}

// Host inputs as "PATH" (its identity counts) or "presence PATH".
inline std::vector<std::string> described(const std::vector<plan::HostInput>& inputs) {
    std::vector<std::string> out;
    for (const auto& input : inputs) out.push_back((input.presence_only ? "presence " : "") + input.path);
    return out;
}

// The C library of a Debian 12 image (glibc 2.36), or of a musl image.
inline ldcache::LibcInfo glibc_image(const std::string& newest = "GLIBC_2.36") {
    ldcache::LibcInfo libc;
    libc.glibc = true;
    libc.arch = &ldtest::x86();
    libc.glibc_versions = {"GLIBC_2.2.5", "GLIBC_2.17", newest};
    libc.glibc_version = newest;
    return libc;
}

inline ldcache::LibcInfo musl_image() {
    ldcache::LibcInfo libc;
    libc.musl = true;
    libc.arch = &ldtest::x86();
    return libc;
}

// A site configuration loaded from `toml` (written to `dir`).
inline site::SiteConfig site_config(test::TempDir& dir, const std::string& toml) {
    auto path = dir.write_file("skiff.toml", toml);
    auto config = site::load_site_config({{"SKIFF_CONFIG", path}});
    EXPECT_TRUE(config) << (config ? "" : config.error().message);
    return config ? *config : site::SiteConfig{};
}

// Everything a HookContext refers to, owned in one place.
struct ContextParts {
    site::SiteConfig site;
    Annotations annotations;
    ldcache::LibcInfo libc = glibc_image();
    std::vector<ldcache::CacheEntry> image_cache;
    ldcache::HostLibraryIndex host;
    std::vector<Contribution> earlier;

    HookContext context() const { return {site, annotations, libc, image_cache, host, earlier}; }
    void annotate(const std::string& key, const std::string& value) {
        annotations[key] = {value, {"command line", 0}};
    }
};

}  // namespace skiff::hooks::testing
