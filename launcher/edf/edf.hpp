// The EDF model (../shared/reference/edf.md): what one loaded, merged, expanded environment
// holds. Every value remembers the file:line it came from, for error messages.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/diagnostics.hpp"
#include "common/env_map.hpp"
#include "common/error.hpp"

namespace skiff::edf {

struct Origin {
    std::string file;  // absolute path of the EDF, or "command line"
    int line = 0;      // 0 when unknown
    std::string str() const;  // "file:line", or "file" when line is 0
};

template <class T>
struct Sourced {
    T value;
    Origin origin;
};

enum class Propagation { rprivate, private_, rslave, slave };

struct MountFlags {
    bool read_only = false;     // ro / rw (default rw)
    bool recursive = true;      // rbind / bind (default rbind)
    bool nosuid = false;
    bool nodev = false;
    bool noexec = false;
    Propagation propagation = Propagation::rprivate;
    bool sqsh = false;          // SRC is a squashfs file mounted as a directory
    bool ldcache = false;       // libraries in DST go into the container's linker config
    bool operator==(const MountFlags&) const = default;
};

struct MountSpec {
    std::string source;       // absolute host path (relative ones resolved against cwd)
    std::string destination;  // absolute container path
    MountFlags flags;
    Origin origin;
    std::string text;         // the entry as written, after expansion
};

// One environment after the whole loading pipeline of edf.md §1.
struct Environment {
    std::optional<Sourced<std::string>> image;    // expanded; "./x" made absolute
    std::optional<Sourced<std::string>> workdir;  // expanded; "" normalised to nullopt
    Sourced<bool> entrypoint{false, {}};
    Sourced<bool> writable{true, {}};
    std::vector<MountSpec> mounts;
    // Devices (README, EDF "Devices"): CDI names "vendor/class=name" and host device
    // paths "/dev/...", each once, in order; hooks/devices resolves them on the node.
    std::vector<Sourced<std::string>> devices;
    // [env] values are kept *unexpanded*: they are expanded per task against host+image (§4)
    // by expand_env_values(). "" is the unset marker.
    std::map<std::string, Sourced<std::string>> env;
    std::map<std::string, Sourced<std::string>> annotations;  // flattened, expanded
    std::vector<std::string> files;  // the EDFs applied, in application order
};

struct LoadOptions {
    std::string cwd;         // for ./relative paths
    EnvMap host_env;         // the environment skiff was started with
    bool srun_validation = false;  // unset SLURM_* variables are not reported (§4)
    bool image_given = false;      // --image was given: an EDF without an image is fine
};

// Resolves ARG as --environment does (§2) and runs the whole pipeline. Problems go to diag;
// the result is an error if diag has any error afterwards (the message is the first error).
Result<Environment> load(const std::string& arg, const LoadOptions& options, Diagnostics& diag);

// Parses one mount entry, already expanded (§6). `cwd` resolves ./ sources.
Result<MountSpec> parse_mount(const std::string& text, const Origin& origin, const std::string& cwd);

// Checks on the host that the source of a parsed mount exists and that a sqsh source is a
// squashfs file (magic "hsqs"). Messages start with spec.origin.
Result<void> check_mount_source(const MountSpec& spec);

// The effective flags of a mount, e.g. {"ro", "rbind", "nosuid", "rprivate"}; a sqsh mount
// lists no bind or propagation flag.
std::vector<std::string> flag_names(const MountFlags& flags);

// "SRC:DST[:FLAGS]" with only the non-default flags, e.g. "/a:/b:ro+nosuid".
std::string mount_string(const MountSpec& spec);

// `skiff edf show`: TOML-like text with each value's origin as a comment, and JSON with
// stable key order and origins as "file:line" (null for defaults).
std::string to_text(const Environment& environment);
std::string to_json(const Environment& environment);

// Expands the [env] values against `lookup` (host layer + image layer, edf.md §8), returning
// name -> value with "" kept as the unset marker.
Result<EnvMap> expand_env_values(const Environment& environment, const EnvMap& lookup);

}  // namespace skiff::edf
