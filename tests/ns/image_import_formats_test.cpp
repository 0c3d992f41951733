// `skiff image import` of the sources beyond a plain layout or root file system (issue 24):
// Docker `save` archives (built here with tar, as docker writes them, hostile ones included),
// OCI layouts holding several tagged images, images for another architecture, and a layer
// whose root directory entry is named "/" (as umoci writes it).
#include "tests/ns/image_import_fixture.hpp"

namespace skiff::test {
namespace {

constexpr const char* default_manifest =
    R"([{"Config":"cfg.json","RepoTags":["app:1"],"Layers":["aaa/layer.tar","bbb/layer.tar","ccc/layer.tar"]}])";

class ImageImportFormats : public ImageImport {
protected:
    static std::string foreign_arch() { return host_arch() == "s390x" ? "amd64" : "s390x"; }

    // A Docker save archive: the layers of build_layers as "aaa/layer.tar" and "bbb/layer.tar",
    // "ccc/layer.tar" a symlink to the latter (docker links repeated layers so), "evil/layer.tar"
    // a symlink out of the archive, the configs cfg.json (this host), cfg2.json (FROM_CONFIG=two)
    // and cfg-foreign.json (another architecture), and `manifest` as manifest.json.
    std::string build_docker_archive(const TempDir& dir, const std::string& manifest = default_manifest) {
        build_layers(dir, "-cf", ".tar");
        std::string root = dir / "dsave";
        for (const char* id : {"aaa", "bbb", "ccc", "evil"}) fs::create_directories(root + "/" + id);
        fs::rename(dir / "base.tar", root + "/aaa/layer.tar");
        fs::rename(dir / "upper.tar", root + "/bbb/layer.tar");
        fs::create_symlink("../bbb/layer.tar", root + "/ccc/layer.tar");
        fs::create_symlink("../../../../etc/passwd", root + "/evil/layer.tar");
        std::ofstream(root + "/cfg.json") << config_json(host_arch());
        std::ofstream(root + "/cfg2.json") << config_json(host_arch(), "two");
        std::ofstream(root + "/cfg-foreign.json") << config_json(foreign_arch());
        std::ofstream(root + "/manifest.json") << manifest;
        std::string archive = dir / "dsave.tar";
        auto r = run_process({"tar", "-C", root, "-cf", archive, "manifest.json", "cfg.json", "cfg2.json",
                              "cfg-foreign.json", "aaa/layer.tar", "bbb/layer.tar", "ccc/layer.tar", "evil/layer.tar"});
        EXPECT_EQ(r.status, 0) << r;
        return archive;
    }

    // Imports `source` into dir/out, expecting one error line that contains `expected` and no file.
    void expect_import_error(const TempDir& dir, const std::string& source, const std::string& expected) {
        fs::create_directories(dir / "out");
        auto r = skiff({"image", "import", source, "-o", dir / "out/x.sqsh"});
        EXPECT_EQ(r.status, 125) << r;
        EXPECT_TRUE(r.err.starts_with("skiff: error: ")) << r;
        EXPECT_NE(r.err.find(expected), std::string::npos) << "expected: " << expected << "\n" << r;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r;
        EXPECT_TRUE(names_in(dir / "out").empty());
    }

    static constexpr const char* probe = "pwd; echo FROM_CONFIG=$FROM_CONFIG; ls /opt; test -e /skiff-fixture || echo fixture-gone; cat /opt/new";
    static constexpr const char* probe_out = "/work\nFROM_CONFIG=yes\nnew\nfixture-gone\nfrom the upper layer\n";

    // Imports the archive of build_docker_archive to `out`: its three layers and its config.
    static void expect_docker_import(const std::string& archive, const std::string& out) {
        auto r = skiff({"image", "import", archive, "-o", out});
        ASSERT_EQ(r.status, 0) << r;
        EXPECT_NE(r.err.find("reading layer 'aaa/layer.tar' (1/3)"), std::string::npos) << r;
        auto run = sh(out, probe);
        EXPECT_EQ(run.status, 0) << run;
        EXPECT_EQ(run.out, probe_out) << run;
    }
};

TEST_F(ImageImportFormats, DockerSaveArchiveLayersAndMetadata) {
    TempDir dir("import-dsave", "/var/tmp");
    std::string archive = build_docker_archive(dir);
    std::string out = dir / "dsave.sqsh";
    expect_docker_import(archive, out);
    EXPECT_EQ(sh(out, "test -e /manifest.json || test -e /aaa").status, 1) << "not imported as a root file system";
}

// "plain or compressed": `docker save | gzip` and a zstd-compressed archive import the same.
TEST_F(ImageImportFormats, CompressedDockerSaveArchivesImport) {
    TempDir dir("import-dsave-z", "/var/tmp");
    std::string archive = build_docker_archive(dir);
    for (std::vector<std::string> compress : {std::vector<std::string>{"gzip", "-k"}, {"zstd", "-q"}}) {
        SCOPED_TRACE(compress[0]);
        auto z = run_process({compress[0], compress[1], archive});
        ASSERT_EQ(z.status, 0) << z;
        std::string compressed = archive + (compress[0] == "gzip" ? ".gz" : ".zst");
        expect_docker_import(compressed, dir / "dsave.sqsh");
    }
}

TEST_F(ImageImportFormats, DockerSaveArchiveWithSeveralImages) {
    TempDir dir("import-dsave-tags", "/var/tmp");
    std::string archive = build_docker_archive(dir, R"([{"Config":"cfg.json","RepoTags":["app:1"],"Layers":["aaa/layer.tar"]},
        {"Config":"cfg2.json","RepoTags":["app:2","localhost:5000/app:2"],"Layers":["aaa/layer.tar","bbb/layer.tar"]}])");
    expect_import_error(dir, archive, "Docker archive '" + archive + "': holds 2 images (@0 app:1; @1 app:2, "
                                      "localhost:5000/app:2); name one as PATH:REPO:TAG or PATH:@N");
    expect_import_error(dir, archive + ":app:3", "has no image tagged 'app:3'");
    for (std::string pick : {":localhost:5000/app:2", ":app:2", ":@1"}) {
        std::string out = dir / "two.sqsh";
        auto r = skiff({"image", "import", archive + pick, "-o", out});
        ASSERT_EQ(r.status, 0) << pick << "\n" << r;
        auto run = sh(out, "echo $FROM_CONFIG; cat /opt/new");
        EXPECT_EQ(run.out, "two\nfrom the upper layer\n") << pick << "\n" << run;
    }
}

TEST_F(ImageImportFormats, HostileDockerManifestsAreOneErrorLine) {
    auto one = [](const std::string& config, const std::string& layer) {
        return R"([{"Config":")" + config + R"(","RepoTags":["app:1"],"Layers":["aaa/layer.tar",")" + layer + R"("]}])";
    };
    struct Case {
        std::string manifest, error;
    };
    std::vector<Case> cases{
        {one("cfg.json", "../bbb/layer.tar"), "member name '../bbb/layer.tar' is absolute, empty or contains '..'"},
        {one("cfg.json", "aaa/../../x"), "member name 'aaa/../../x' is absolute, empty or contains '..'"},
        {one("/etc/passwd", "bbb/layer.tar"), "Config: member name '/etc/passwd' is absolute"},
        {one("cfg.json", "nope/layer.tar"), "member 'nope/layer.tar' is not in the archive"},
        {one("missing.json", "bbb/layer.tar"), "member 'missing.json' is not in the archive"},
        {one("cfg.json", "evil/layer.tar"), "member 'evil/layer.tar' is not a file, or links outside the archive"},
        {one("cfg-foreign.json", "bbb/layer.tar"),
         "the image is for architecture '" + foreign_arch() + "', but this host is '" + host_arch() + "'"},
        {R"([{"Config":"cfg.json","Layers":["aaa/layer.tar"]})" + std::string(5 << 20, ' ') + "]",
         "manifest.json: larger than 4 MiB"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.error);
        TempDir dir("import-hostile", "/var/tmp");
        std::string archive = build_docker_archive(dir, c.manifest);
        expect_import_error(dir, archive, "skiff: error: Docker archive '" + archive + "': ");
        expect_import_error(dir, archive, c.error);
    }
}

// A tarball with a top-level manifest.json that is not a Docker manifest is a root file system.
TEST_F(ImageImportFormats, TarballWithOtherManifestJsonIsARootFileSystem) {
    TempDir dir("import-not-docker", "/var/tmp");
    std::string root = dir / "root";
    fs::create_directories(root);
    auto copy = run_process({"cp", "-a", image("musl-rootfs") + "/.", root});
    ASSERT_EQ(copy.status, 0) << copy;
    std::ofstream(root + "/manifest.json") << R"([{"Config":"etc/hostname","name":"not docker's"}])";
    auto tar = run_process({"tar", "-C", root, "-cf", dir / "rootfs.tar", "manifest.json", "."});
    ASSERT_EQ(tar.status, 0) << tar;
    std::string out = dir / "rootfs.sqsh";
    auto r = skiff({"image", "import", dir / "rootfs.tar", "-o", out});
    ASSERT_EQ(r.status, 0) << r;
    auto run = sh(out, "cat /manifest.json /skiff-fixture >/dev/null && echo rootfs");
    EXPECT_EQ(run.out, "rootfs\n") << run;
    expect_import_error(dir, dir / "rootfs.tar:app:1", "is a root file system tarball");
}

TEST_F(ImageImportFormats, OciLayoutWithSeveralTags) {
    TempDir dir("import-oci-tags", "/var/tmp");
    std::string layout = dir / "lay:out";  // a ':' in the path itself
    fs::create_directories(layout);
    build_layers(dir);
    std::string gz = "application/vnd.oci.image.layer.v1.tar+gzip";
    std::string layers = add_blob(layout, dir / "base.tar.gz", gz) + "," + add_blob(layout, dir / "upper.tar.gz", gz);
    auto tagged = [](const std::string& tag) {
        return R"(,"annotations":{"org.opencontainers.image.ref.name":")" + tag + R"("})";
    };
    std::string v1 = add_manifest(layout, dir, layers, host_arch(), "one", tagged("v1"));
    std::string v2 = add_manifest(layout, dir, layers, host_arch(), "two", tagged("v2"));
    write_index(layout, v1 + "," + v2);
    expect_import_error(dir, layout, "OCI layout '" + layout + "': holds several images (tags: v1, v2); name one as DIR:TAG");
    expect_import_error(dir, layout + ":v3", "no image tagged 'v3' (tags: v1, v2)");
    std::string out = dir / "v2.sqsh";
    auto r = skiff({"image", "import", layout + ":v2", "-o", out});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(sh(out, "echo $FROM_CONFIG").out, "two\n");
}

TEST_F(ImageImportFormats, ForeignArchitectureIsAnError) {
    TempDir dir("import-foreign", "/var/tmp");
    std::string layout = build_layout(dir, false, foreign_arch());
    expect_import_error(dir, layout, "OCI layout '" + layout + "': the image is for architecture '" + foreign_arch() +
                                         "', but this host is '" + host_arch() + "'");
}

// umoci names the root directory "/" in its layers; its mode applies to the image's root.
TEST_F(ImageImportFormats, SlashEntryIsTheRootDirectory) {
    TempDir dir("import-slash", "/var/tmp");
    std::string root = dir / "root";
    fs::create_directories(root + "/etc");
    std::ofstream(root + "/etc/slash") << "root entry\n";
    fs::permissions(root, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
    auto tar = run_process({"tar", "-C", root, "-P", "--transform=s,^\\.$,/,;s,^\\./$,/,", "-cf", dir / "slash.tar", "."});
    ASSERT_EQ(tar.status, 0) << tar;
    auto list = run_process({"tar", "-tf", dir / "slash.tar", "-P"});
    ASSERT_EQ(list.out.substr(0, 2), "/\n") << list;
    std::string layout = dir / "layout";
    std::string layers = add_blob(layout, dir / "slash.tar", "application/vnd.oci.image.layer.v1.tar");
    write_index(layout, add_manifest(layout, dir, layers, host_arch(), "yes"));
    std::string out = dir / "slash.sqsh";
    auto r = skiff({"image", "import", layout, "-o", out});
    ASSERT_EQ(r.status, 0) << r;
    auto listing = run_process({"unsquashfs", "-lln", out});
    EXPECT_NE(listing.out.find("drwxr-x--- 0/0"), std::string::npos) << listing;
    EXPECT_NE(listing.out.find("squashfs-root/etc/slash"), std::string::npos) << listing;
}

}  // namespace
}  // namespace skiff::test
