// The fixture of the `skiff image import` ns tests: runs the real skiff binary, and builds
// image sources from the musl root file system with tar, sha256sum and JSON written here: OCI
// layouts (one image or several tagged ones) and the layers that go into them.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/launch_fixture.hpp"

namespace skiff::test {

namespace fs = std::filesystem;

inline std::vector<std::string> names_in(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

class ImageImport : public NsTest {
protected:
    void SetUp() override {
        NsTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        SKIFF_REQUIRE(test_image("musl-rootfs").has_value(), "fixture musl-rootfs missing; run tests/fixtures/build-images.sh");
    }

    static ProcessResult skiff(const std::vector<std::string>& args, const RunOptions& run = {}) {
        std::vector<std::string> argv{skiff_binary()};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_process(argv, run);
    }

    // This host's architecture as OCI names it (the images' configs must match it).
    static std::string host_arch() {
        auto r = run_process({"uname", "-m"});
        std::string machine = r.out.substr(0, r.out.find('\n'));
        if (machine == "x86_64") return "amd64";
        if (machine == "aarch64") return "arm64";
        return machine;
    }

    // "sha256:<hex>" of a file, by sha256sum.
    static std::string digest(const std::string& path) {
        auto r = run_process({"sha256sum", path});
        EXPECT_EQ(r.status, 0) << r;
        return "sha256:" + r.out.substr(0, 64);
    }

    // Moves `file` into the layout's blobs by its digest; returns a descriptor.
    static std::string add_blob(const std::string& layout, const std::string& file, const std::string& media_type) {
        std::string d = digest(file);
        fs::create_directories(layout + "/blobs/sha256");
        fs::rename(file, layout + "/blobs/sha256/" + d.substr(7));
        return R"({"mediaType":")" + media_type + R"(","digest":")" + d + R"(","size":)" +
               std::to_string(fs::file_size(layout + "/blobs/sha256/" + d.substr(7))) + "}";
    }

    // In `dir`: base.tar (the musl root file system) and upper.tar (deletes /skiff-fixture, makes
    // /opt opaque, adds /opt/new and /work), gzip-compressed with `flags` "-czf".
    static void build_layers(const TempDir& dir, const std::string& flags = "-czf", const std::string& suffix = ".tar.gz") {
        auto base = run_process({"tar", "-C", image("musl-rootfs"), flags, dir / ("base" + suffix), "."});
        EXPECT_EQ(base.status, 0) << base;
        std::string upper = dir / "upper";
        fs::create_directories(upper + "/opt");
        fs::create_directories(upper + "/work");
        std::ofstream(upper + "/.wh.skiff-fixture") << "";
        std::ofstream(upper + "/opt/.wh..wh..opq") << "";
        std::ofstream(upper + "/opt/new") << "from the upper layer\n";
        auto up = run_process({"tar", "-C", upper, flags, dir / ("upper" + suffix), "."});
        EXPECT_EQ(up.status, 0) << up;
    }

    // An image config: FROM_CONFIG=`from_config`, workdir /work.
    static std::string config_json(const std::string& arch, const std::string& from_config = "yes") {
        return R"({"architecture":")" + arch + R"(","os":"linux","config":{"Env":["PATH=/bin:/usr/bin","FROM_CONFIG=)" +
               from_config + R"("],"WorkingDir":"/work","Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":[]}})";
    }

    // A manifest blob of `layers` (descriptors) and a config for `arch`; returns its descriptor,
    // with `extra` (",\"annotations\":{...}") spliced in.
    static std::string add_manifest(const std::string& layout, const TempDir& dir, const std::string& layers,
                                    const std::string& arch, const std::string& from_config, const std::string& extra = "") {
        std::ofstream(dir / "config.json") << config_json(arch, from_config);
        std::string config = add_blob(layout, dir / "config.json", "application/vnd.oci.image.config.v1+json");
        std::ofstream(dir / "manifest.json") << R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":)"
                                             << config << R"(,"layers":[)" << layers << "]}";
        std::string d = add_blob(layout, dir / "manifest.json", "application/vnd.oci.image.manifest.v1+json");
        return d.substr(0, d.size() - 1) + extra + "}";
    }

    static void write_index(const std::string& layout, const std::string& manifests) {
        std::ofstream(layout + "/index.json") << R"({"schemaVersion":2,"manifests":[)" << manifests << "]}";
        std::ofstream(layout + "/oci-layout") << R"({"imageLayoutVersion":"1.0.0"})";
    }

    // An OCI layout of the two layers of build_layers, for `arch` (default: this host's).
    std::string build_layout(const TempDir& dir, bool corrupt_upper = false, std::string arch = "") {
        std::string layout = dir / "layout";
        fs::create_directories(layout);
        build_layers(dir);
        if (corrupt_upper) fs::resize_file(dir / "upper.tar.gz", fs::file_size(dir / "upper.tar.gz") / 2);
        std::string gz = "application/vnd.oci.image.layer.v1.tar+gzip";
        std::string layers = add_blob(layout, dir / "base.tar.gz", gz) + "," + add_blob(layout, dir / "upper.tar.gz", gz);
        write_index(layout, add_manifest(layout, dir, layers, arch.empty() ? host_arch() : arch, "yes"));
        return layout;
    }
};

}  // namespace skiff::test
