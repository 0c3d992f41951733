#include "launcher/run/spare_key.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "launcher/plan/render.hpp"

namespace skiff::run {
namespace {

// FNV-1a over two lanes with different offsets: 128 bits against accidental collisions.
// Only the user's own launches reach their own server, so no adversary chooses keys.
class Digest {
public:
    void add(const std::string& text) {
        for (char ch : text) {
            auto c = static_cast<unsigned char>(ch);
            a_ = (a_ ^ c) * prime;
            b_ = (b_ ^ c) * prime;
        }
        a_ = (a_ ^ 0xff) * prime;  // a separator, so "ab"+"c" and "a"+"bc" differ
        b_ = (b_ ^ 0xfe) * prime;
    }
    std::string hex() const {
        char out[33];
        std::snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(a_),
                      static_cast<unsigned long long>(b_));
        return out;
    }

private:
    static constexpr std::uint64_t prime = 0x100000001b3ULL;
    std::uint64_t a_ = 0xcbf29ce484222325ULL;
    std::uint64_t b_ = 0x84222325cbf29ce4ULL;
};

std::string exclusion(const plan::LaunchPlan& plan, bool holder) {
    if (plan.serving.spares == 0) return "SKIFF_WARM_SPARES=0";
    if (holder) return "a Slurm step's container holder";
    if (plan.save) return "--save keeps a process on the host to write the image";
    if (plan.overlay_dir) return "a persistent --overlay DIR is locked by one container";
    if (plan.ssh) return "the SSH hook starts sshd at setup";
    if (!plan.external_hooks.scripts.empty()) return "hooks.d scripts run at setup";
    if (plan.overlay == plan::OverlayDriver::fuse) return "fuse-overlayfs runs a process per container";
    bool sqsh = std::any_of(plan.mounts.begin(), plan.mounts.end(),
                            [](const plan::MountOp& op) { return op.kind == plan::MountKind::sqsh; });
    if (sqsh) return "a squashfs mount runs a FUSE server per container";
    return {};
}

// The file behind /proc/self/exe: a rebuilt or reinstalled skiff may build namespaces
// differently.
std::string binary_identity() {
    struct stat st {};
    if (::stat("/proc/self/exe", &st) != 0) return {};
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
           std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
}

}  // namespace

SpareChoice choose_spare(const plan::LaunchPlan& plan, bool holder) {
    SpareChoice choice;
    if (!plan.serving.warm) return choice;
    choice.why_not = exclusion(plan, holder);
    if (!choice.why_not.empty()) return choice;
    if (!plan.serving.spare_key.empty()) {  // for this binary: the plan memory's key has its identity
        choice.key = plan.serving.spare_key;
        choice.wanted = plan.serving.spares;
        return choice;
    }
    std::string binary = binary_identity();
    if (binary.empty()) {
        choice.why_not = "cannot identify the skiff binary";
        return choice;
    }
    choice.key = spare_key(plan, binary);
    choice.wanted = plan.serving.spares;
    return choice;
}

std::string spare_key(const plan::LaunchPlan& plan, const std::string& binary) {
    plan::LaunchPlan shape = plan;  // without what the launch applies to its own process
    shape.env.clear();
    shape.argv.clear();
    shape.workdir.clear();
    shape.workdir_origin.clear();
    Digest digest;
    digest.add(plan::render(shape));
    for (const auto& op : plan.mounts) {
        digest.add(op.content);
        for (const auto& [name, target] : op.links) digest.add(name + "\n" + target);
    }
    digest.add(binary);
    return digest.hex();
}

}  // namespace skiff::run
