// The fixture of the `skiff image pull` / `skiff run REF` tests: the real skiff and skiff-pull
// binaries against the test registries, with the image store in the test's directory.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/e2e/registry/registry_fixture.hpp"

namespace skiff::test {

class Pull : public Registry {
protected:
    // skiff with the store in this test's directory (or `store`), the plain-HTTP registry
    // allowed, and `extra` added to the environment (an empty value removes the variable).
    ProcessResult skiff(const std::vector<std::string>& args, bool allow_http = true, const std::string& store = "",
                        const EnvMap& extra = {}) {
        std::vector<std::string> argv{skiff_binary()};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_process(argv, run_options(env(allow_http, store, extra), std::chrono::seconds(240)));
    }

    EnvMap env(bool allow_http = true, const std::string& store = "", const EnvMap& extra = {}) const {
        EnvMap env = current_environment();
        env["EDF_IMAGESTORE"] = store.empty() ? store_ : store;
        env["SKIFF_INSECURE_REGISTRIES"] = allow_http ? http() : "";
        for (const auto& [key, value] : extra) {
            if (value.empty()) env.erase(key);
            else env[key] = value;
        }
        return env;
    }

    // The names in `dir`; none if it is missing.
    static std::vector<std::string> entries(const std::string& dir) {
        std::vector<std::string> names;
        std::error_code ec;
        for (const auto& e : std::filesystem::directory_iterator(dir, ec)) names.push_back(e.path().filename());
        std::sort(names.begin(), names.end());
        return names;
    }
    std::vector<std::string> store_entries() const { return entries(store_); }

    void SetUp() override {
        Registry::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        std::filesystem::create_directories(store_);
    }

    std::string store_ = work_ / "store";
};

}  // namespace skiff::test
