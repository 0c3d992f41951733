#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "launcher/gather/plan_memory_file.hpp"
#include "launcher/gather/plan_memory_inputs.hpp"
#include "launcher/plan/render.hpp"
#include "tests/support/temp_dir.hpp"

namespace skiff::gather {
namespace {

plan::LaunchPlan awkward_plan() {
    plan::LaunchPlan p;
    p.image = {image::ImageSource::Kind::squashfs, "/images/a b.sqsh", 2049, 77, 4096, 1'700'000'000'123'456'789};
    p.serving.warm = true;
    p.serving.server_directory = "/run/user/1000/skiff/servers";
    p.serving.server_name = "2049-77-4096-1-job12.3";
    p.serving.idle_seconds = 30;
    p.serving.retire_with = 4242;
    p.serving.spares = 3;
    p.serving.spare_key = "0123456789abcdef0123456789abcdef";
    p.writable = false;
    p.overlay = plan::OverlayDriver::kernel;
    p.overlay_dir = plan::OverlayDir{"/scratch/my overlay,3:x", 7, true};
    p.ids = {1000, 100, 0, 0};
    plan::MountOp op;
    op.kind = plan::MountKind::file;
    op.destination = "/etc/passwd";
    op.content = std::string("root:x:0:0::/root:/bin/sh\n\0binary,3:x", 37);
    op.propagation = plan::Propagation::slave;
    op.create = plan::CreatePolicy::file;
    op.missing = plan::MissingSource::skip;
    op.replace_symlink = true;
    op.origin = "hook passwd";
    p.mounts.push_back(op);
    plan::MountOp links;
    links.kind = plan::MountKind::links;
    links.links = {{"fd", "/proc/self/fd"}, {"", ""}};
    p.mounts.push_back(links);
    p.external_hooks.fixed_env = {"A", "B"};
    p.external_hooks.environment = {{"X", "1"}};
    p.env = {{"PATH", "/usr/bin"}, {"ODD", "a,b:c\n12:"}};
    p.argv = {"/bin/sh", "-c", "echo 1:a,"};
    p.workdir = "/work dir";
    p.workdir_origin = "a.toml:3";
    p.hooks = {{"passwd", {"standard hook, on"}}};
    return p;
}

RememberedPlan awkward_memory() {
    return {std::string("key\0bytes", 9), {{"/etc/skiff/skiff.toml", false, "absent"}, {"/data", true, "type:16384"}},
            {"a warning"}, awkward_plan(), true};
}

TEST(PlanMemory, RoundTripKeepsThePlanAsDryRunShowsIt) {
    auto remembered = awkward_memory();
    auto decoded = decode_remembered(encode_remembered(remembered));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->key, remembered.key);
    EXPECT_EQ(decoded->inputs, remembered.inputs);
    EXPECT_EQ(decoded->warnings, remembered.warnings);
    EXPECT_TRUE(decoded->has_read_profiles);
    EXPECT_EQ(plan::render(decoded->plan), plan::render(remembered.plan));
    EXPECT_EQ(decoded->plan.mounts[0].content, remembered.plan.mounts[0].content);
    EXPECT_EQ(decoded->plan.mounts[1].links, remembered.plan.mounts[1].links);
    EXPECT_EQ(decoded->plan.serving.retire_with, 4242);
    EXPECT_EQ(decoded->plan.serving.spare_key, remembered.plan.serving.spare_key);
    EXPECT_EQ(decoded->plan.external_hooks.fixed_env, remembered.plan.external_hooks.fixed_env);
    EXPECT_EQ(decoded->plan.hooks[0].notes, remembered.plan.hooks[0].notes);
    EXPECT_EQ(decoded->plan.serving.server_directory_fd, -1);  // the recalling launch's own
    ASSERT_TRUE(decoded->plan.overlay_dir);
    EXPECT_EQ(decoded->plan.overlay_dir->dir, "/scratch/my overlay,3:x");
    EXPECT_EQ(decoded->plan.overlay_dir->lock_fd, -1);  // claimed by the recalling launch
    EXPECT_FALSE(decoded->plan.overlay_dir->fresh);
    EXPECT_EQ(encode_remembered(*decoded), encode_remembered(remembered));
}

TEST(PlanMemory, EveryTruncationIsRefused) {
    std::string bytes = encode_remembered(awkward_memory());
    for (std::size_t n = 0; n < bytes.size(); ++n)
        EXPECT_FALSE(decode_remembered(bytes.substr(0, n))) << "accepted the first " << n << " bytes";
}

TEST(PlanMemory, AnotherVersionTrailingBytesAndBadFieldsAreRefused) {
    std::string bytes = encode_remembered(awkward_memory());
    EXPECT_FALSE(decode_remembered("skiff-plan-memory 999\n" + bytes.substr(bytes.find('\n') + 1)));
    EXPECT_FALSE(decode_remembered(bytes + "0:,"));
    auto plan = awkward_plan();
    plan.argv.clear();  // the executor needs a command
    EXPECT_FALSE(decode_remembered(encode_remembered({"k", {}, {}, plan, false})));
    std::string enum_out_of_range = encode_remembered({"k", {}, {}, awkward_plan(), false});
    auto at = enum_out_of_range.find("1:0,16:/images/a b.sqsh");  // the image's kind
    ASSERT_NE(at, std::string::npos);
    enum_out_of_range[at + 2] = '7';
    EXPECT_FALSE(decode_remembered(enum_out_of_range));
    std::string oversized(plan_memory_limit + 1, 'x');
    EXPECT_FALSE(decode_remembered(std::string(bytes) + oversized));
}

TEST(PlanMemory, KeyHasEveryPartOfTheLaunch) {
    plan::HostFacts host;
    host.uid = 1000;
    host.gid = 100;
    host.user = "u";
    host.env = {{"PATH", "/bin"}};
    host.cwd = "/home/u";
    RunOptions words;
    words.image = "a.sqsh";
    words.command = {"true"};
    const std::string base = plan_memory_key(words, host, "skiff-1", "node1");
    EXPECT_EQ(plan_memory_key(words, host, "skiff-1", "node1"), base);
    auto option_changed = [&](auto edit) {
        RunOptions other = words;
        edit(other);
        return plan_memory_key(other, host, "skiff-1", "node1") != base;
    };
    EXPECT_TRUE(option_changed([](RunOptions& o) { o.command = {"false"}; }));
    EXPECT_TRUE(option_changed([](RunOptions& o) { o.environment = "app"; }));
    EXPECT_TRUE(option_changed([](RunOptions& o) { o.image = "b.sqsh"; }));
    EXPECT_TRUE(option_changed([](RunOptions& o) { o.mounts = {"/a:/b"}; }));
    EXPECT_TRUE(option_changed([](RunOptions& o) { o.devices = {"/dev/null"}; }));
    EXPECT_TRUE(option_changed([](RunOptions& o) { o.env = {"A=1"}; }));
    EXPECT_TRUE(option_changed([](RunOptions& o) { o.annotations = {"a=1"}; }));
    EXPECT_TRUE(option_changed([](RunOptions& o) { o.workdir = "/w"; }));
    EXPECT_TRUE(option_changed([](RunOptions& o) { o.writable = true; }));
    EXPECT_TRUE(option_changed([](RunOptions& o) { o.writable = false; }));
    EXPECT_TRUE(option_changed([](RunOptions& o) { o.entrypoint = false; }));
    EXPECT_TRUE(option_changed([](RunOptions& o) { o.root = true; }));
    EXPECT_TRUE(option_changed([](RunOptions& o) { o.cold = true; }));
    EXPECT_FALSE(option_changed([](RunOptions& o) { o.verbose = true; }));  // -v only narrates
    // Lists are counted: an entry moved from one list to the next is another key.
    RunOptions in_env, in_annotations;
    in_env.env = {"A=1"};
    in_annotations.annotations = {"A=1"};
    EXPECT_NE(plan_memory_key(in_env, host, "s", "n"), plan_memory_key(in_annotations, host, "s", "n"));
    EXPECT_NE(plan_memory_key(words, host, "skiff-2", "node1"), base);
    EXPECT_NE(plan_memory_key(words, host, "skiff-1", "node2"), base);
    auto changed = [&](auto edit) {
        plan::HostFacts other = host;
        edit(other);
        return plan_memory_key(words, other, "skiff-1", "node1") != base;
    };
    EXPECT_TRUE(changed([](plan::HostFacts& h) { h.env["SLURM_JOB_ID"] = "7"; }));
    EXPECT_TRUE(changed([](plan::HostFacts& h) { h.env["PATH"] = "/usr/bin"; }));
    EXPECT_TRUE(changed([](plan::HostFacts& h) { h.uid = 1001; }));
    EXPECT_TRUE(changed([](plan::HostFacts& h) { h.gid = 101; }));
    EXPECT_TRUE(changed([](plan::HostFacts& h) { h.home = "/h"; }));
    EXPECT_TRUE(changed([](plan::HostFacts& h) { h.shell = "/bin/zsh"; }));
    EXPECT_TRUE(changed([](plan::HostFacts& h) { h.group = "g"; }));
    EXPECT_TRUE(changed([](plan::HostFacts& h) { h.cwd = "/tmp"; }));
    EXPECT_TRUE(changed([](plan::HostFacts& h) { h.slurm_stepd = 99; }));
    // Netstrings: moving bytes between neighbouring fields is another key.
    RunOptions ab_c, a_bc;
    ab_c.command = {"ab", "c"};
    a_bc.command = {"a", "bc"};
    EXPECT_NE(plan_memory_key(ab_c, host, "s", "n"), plan_memory_key(a_bc, host, "s", "n"));
}

TEST(PlanMemory, IdentityFollowsEveryChange) {
    test::TempDir dir;
    std::string file = dir.path() + "/a.toml";
    EXPECT_EQ(input_identity(file, false), "absent");
    EXPECT_EQ(input_identity(file, true), "absent");
    { std::ofstream(file) << "image = \"x\"\n"; }
    std::int64_t ctime = 0;
    std::string first = input_identity(file, false, &ctime);
    EXPECT_NE(first, "absent");
    EXPECT_GT(ctime, 0);
    EXPECT_EQ(input_identity(file, true), "type:" + std::to_string(S_IFREG));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ::chmod(file.c_str(), 0600);  // metadata only: the change time moves
    EXPECT_NE(input_identity(file, false), first);
    EXPECT_EQ(input_identity(dir.path(), true), "type:" + std::to_string(S_IFDIR));
}

}  // namespace
}  // namespace skiff::gather
