// A per-test temporary tree for EDF tests: <root>/home/.edf (the default search path),
// <root>/cwd (the working directory) and a fake host environment. Nothing reads the real
// environment; the tree is removed after each test.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "launcher/edf/edf.hpp"

namespace skiff::edf::testing {

class EdfFixture : public ::testing::Test {
public:
    void SetUp() override {
        char pattern[] = "/tmp/skiff-edf-test-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        root = pattern;
        home = root + "/home";
        edf_dir = home + "/.edf";
        cwd = root + "/cwd";
        std::filesystem::create_directories(edf_dir);
        std::filesystem::create_directories(cwd);
        options.cwd = cwd;
        options.host_env = {{"HOME", home}, {"SCRATCH", root + "/scratch"}, {"USER", "alice"}};
    }

    void TearDown() override {
        std::error_code ignored;
        std::filesystem::remove_all(root, ignored);
    }

    // Writes `content` to `path` (absolute, or relative to root) and returns the absolute path.
    std::string write(const std::string& path, const std::string& content) {
        std::string full = path.starts_with('/') ? path : root + "/" + path;
        std::filesystem::create_directories(std::filesystem::path(full).parent_path());
        std::ofstream(full, std::ios::binary) << content;
        return full;
    }

    // Writes <home>/.edf/<name>.toml.
    std::string edf(const std::string& name, const std::string& content) {
        return write(edf_dir + "/" + name + ".toml", content);
    }

    std::string mkdir(const std::string& path) {
        std::string full = path.starts_with('/') ? path : root + "/" + path;
        std::filesystem::create_directories(full);
        return full;
    }

    std::string squashfs(const std::string& path) { return write(path, std::string("hsqs") + std::string(60, '\0')); }

    Result<Environment> load(const std::string& arg) {
        diag = Diagnostics{};
        return edf::load(arg, options, diag);
    }

    std::string first_error() const { return diag.errors.empty() ? std::string("<none>") : diag.errors.front(); }

    bool has_warning(const std::string& text) const {
        for (const std::string& warning : diag.warnings)
            if (warning == text) return true;
        return false;
    }

    std::string root, home, edf_dir, cwd;
    LoadOptions options;
    Diagnostics diag;
};

}  // namespace skiff::edf::testing
