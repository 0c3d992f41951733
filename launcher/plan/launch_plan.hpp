// LaunchPlan: everything a launch will do, decided before any system call (style.md rule 1).
// The executor only applies it; --dry-run prints it.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/env_map.hpp"
#include "common/job_ssh_keys.hpp"
#include "launcher/image/local.hpp"
#include "common/id_map.hpp"

namespace skiff::plan {

enum class MountKind {
    bind,   // a host path bound into the container
    sqsh,   // a squashfs file mounted (read-only) as a directory
    tmpfs,  // a fresh tmpfs
    file,   // a file skiff generates (content below), bound read-only
    write,  // a file skiff generates, written through the writable root (temp file + rename)
    links,  // a directory of symlinks skiff generates (`links` below), bound read-only
    symlink,  // a symlink at destination whose text is `source`, made through the root (CDI's
              // create-symlinks): an existing symlink is replaced, any other file is kept
};

enum class Propagation { rprivate, private_, rslave, slave };

// What to do when the destination does not exist in the image.
enum class CreatePolicy { none, directory, file, like_source };

// What to do when the source does not exist on the host.
enum class MissingSource { error, skip };

struct MountOp {
    MountKind kind = MountKind::bind;
    std::string source;       // host path (bind, sqsh); empty for tmpfs and file
    std::string destination;  // absolute container path
    bool read_only = false;
    bool recursive = true;
    bool nosuid = false;
    bool nodev = false;
    bool noexec = false;
    Propagation propagation = Propagation::rprivate;
    CreatePolicy create = CreatePolicy::like_source;
    MissingSource missing = MissingSource::error;
    bool ldcache = false;     // its libraries join the container's linker configuration
    // Built-in conveniences only: skipped (noted under -v) when the destination cannot be
    // created, as in a directory image owned by another user.
    bool optional_destination = false;
    // A symlink at the destination is replaced by an empty file (in the writable layer) instead
    // of being followed, so the mount does not cover the file the symlink names
    // (/etc/localtime -> /usr/share/zoneinfo/Etc/UTC).
    bool replace_symlink = false;
    std::string content;      // kind == file or write
    std::vector<std::pair<std::string, std::string>> links;  // kind == links: name -> target
    std::string options;      // kind == tmpfs: mount data, e.g. "mode=1777"
    std::string origin;       // "a.toml:4", "command line", or "skiff" for built-in mounts
};

// Which overlayfs puts the writable layer over the image (SKIFF_OVERLAY=auto|kernel|fuse).
enum class OverlayDriver { automatic, kernel, fuse };

// --overlay DIR: the writable layer on disk, in DIR/upper and DIR/work, kept for the next
// launch with the same DIR (launcher/gather/overlay_dir.hpp). The launch that runs the plan
// fills in the lock and `fresh`; the plan memory stores only `dir`.
struct OverlayDir {
    std::string dir;    // absolute
    int lock_fd = -1;   // DIR/lock, flock'ed by this launch: the command inherits it, no one else
    bool fresh = false; // DIR/upper was made by this launch: it takes the image root's mode
};

// How a squashfs image is mounted: warm, through the user's image server (image_server.hpp),
// started by this launch if needed; or cold, by a FUSE server of the launch's own.
struct ImageServing {
    bool warm = false;
    std::string cold_reason;       // why not warm (-v, --dry-run)
    std::string server_directory;  // the user's private directory of server sockets
    int server_directory_fd = -1;  // the same, held open by launcher/gather: the only way skiff reaches it
    std::string server_name;       // the image identity (and Slurm job): one server each
    int idle_seconds = 600;        // SKIFF_SERVER_IDLE
    pid_t retire_with = 0;         // a Slurm step's slurmstepd: the server retires when it exits
    std::string read_profiles;     // where servers keep read profiles (/proc/self/fd/N); empty: none
    int read_profiles_fd = -1;     // warm: that directory's descriptor, handed to a new image server
    int spares = 2;                // SKIFF_WARM_SPARES: pre-built namespaces kept per plan (0: off)
    int threads = 0;               // SKIFF_SERVER_THREADS: a squashfs server's threads (0: one per usable CPU)
    int cache_mib = 32;            // SKIFF_SERVER_CACHE_MIB: its decompressed blocks, shared by its threads
    // The key of launcher/run/spare_key.hpp when known ahead (the plan memory stores it with
    // the plan): a launch then need not render the plan to compute it. Empty: computed.
    std::string spare_key;
};

// SSH between the containers of a Slurm step (common/job_ssh_keys.hpp): the step's keys, which
// the executor installs under /.skiff/ssh, and the step's nodes, which its known_hosts and
// ssh_config name.
struct JobSsh {
    JobSshKeys keys;          // the user key is /.skiff/ssh/id_ed25519 and authorized; the host key is sshd's
    std::string known_hosts;  // /.skiff/ssh/known_hosts (hooks/ssh/job_ssh_files.hpp)
    std::string client_config;  // /.skiff/ssh/ssh_config, included by /etc/ssh/ssh_config.d/00-skiff-job.conf
    std::size_t nodes = 0;    // how many node names they hold, for --dry-run and -v
};

// The SSH server of the container (hooks.md §3, hooks/ssh): what the executor installs under
// /.skiff/ssh after every other mount and starts after the pivot.
struct SshServer {
    int port = 0;
    std::string key_file;         // the user's public key file, for messages
    std::string authorized_keys;  // its text, copied to /.skiff/ssh/authorized_keys
    // Host files bound read-only under /.skiff/ssh/host: path -> name there ("lib/libc.so.6").
    std::vector<std::pair<std::string, std::string>> host_files;
    std::string loader;           // the loader's name under /.skiff/ssh/host
    // The programs next to sshd that get a wrapper in /.skiff/ssh running them through the
    // loader: "sftp-server", and by version "sshd-session", "sshd-auth".
    std::vector<std::string> helpers;
    std::string config;           // /.skiff/ssh/sshd_config (hooks/ssh/ssh_files.hpp)
    // /.skiff/ssh/environment is the command's environment, written by the executor in the
    // format of hooks/ssh/ssh_files.hpp.
    std::optional<JobSsh> job;    // in a Slurm step whose srun made keys
};

// The CUDA MPS control daemon of the container (gpu.md §5, hooks/nvidia_cuda_mps): started in
// the foreground after the pivot, in the command's PID namespace, supervised so that it ends
// with the container's main process (a Slurm step's holder, or the command); its pipe and log
// directories are tmpfs mounts of the plan, and the tasks find them through
// CUDA_MPS_PIPE_DIRECTORY.
struct MpsDaemon {
    std::string control;          // the container path of nvidia-cuda-mps-control
    std::string pipe_dir;         // CUDA_MPS_PIPE_DIRECTORY
    std::string log_dir;          // CUDA_MPS_LOG_DIRECTORY
    std::string visible_devices;  // the daemon's CUDA_VISIBLE_DEVICES: the GPUs' UUIDs
};

// The enroot-compatible hooks.d scripts (hooks.md §6): run after every mount and before the
// pivot; what they write to ENROOT_MOUNTS and ENROOT_ENVIRON is applied afterwards.
struct ExternalHooks {
    std::vector<std::string> scripts;  // in order: the system directory's, then the user's
    EnvMap environment;                // each script's, apart from the ENROOT_* variables
    std::set<std::string> fixed_env;   // names above the hooks' layer: [env] and task variables
    int timeout_s = 120;               // per script: SIGTERM, then SIGKILL 5 s later
};

// `--save FILE` (or the annotation com.skiff.container_save): once the command exits with status
// 0 (any status with `always`), the container's root as the command left it becomes a new
// squashfs image at `path` (launcher/run/save_container.hpp), without its mounts and without
// what skiff wrote into it.
inline constexpr const char* save_annotation = "com.skiff.container_save";
inline constexpr const char* save_always_annotation = "com.skiff.container_save_always";
struct ImageSave {
    std::string path;     // absolute host path
    bool always = false;  // --save-always
    std::string origin;   // "command line", or the annotation's "FILE:LINE"
    std::string helper;   // skiff-pull, which writes it
    // Paths skiff writes through the root (write and symlink operations, symlinks it replaces
    // before a mount): saved as the image has them (convert/restore_from_image.hpp). The
    // executor adds every mount point it finds at save time.
    std::vector<std::string> restore;

    // How errors name the request: "--save FILE", or "FILE:LINE: com.skiff.container_save".
    std::string context() const {
        return origin == "command line" ? "--save " + path : origin + ": " + save_annotation;
    }
};

// What one hook contributed and why, for --dry-run and -v.
struct HookReport {
    std::string hook;
    std::vector<std::string> notes;
};

struct LaunchPlan {
    image::ImageSource image;
    ImageServing serving;
    bool writable = true;  // false: the root is read-only once every mount is in place
    OverlayDriver overlay = OverlayDriver::automatic;  // auto: the kernel's, else fuse-overlayfs
    std::optional<OverlayDir> overlay_dir;  // --overlay DIR; none: the writable layer is in memory
    IdMap ids;
    std::vector<MountOp> mounts;  // in the order they are applied
    ExternalHooks external_hooks;
    EnvMap env;                   // the command's complete environment
    std::vector<std::string> argv;
    std::string workdir;
    std::string workdir_origin;   // where workdir came from, for the "does not exist" error
    std::optional<SshServer> ssh;  // com.hooks.ssh.enabled
    std::optional<MpsDaemon> mps;  // com.hooks.nvidia_cuda_mps.enabled
    std::optional<ImageSave> save;  // --save
    std::vector<HookReport> hooks;  // the hooks that contributed, in order
};

}  // namespace skiff::plan
