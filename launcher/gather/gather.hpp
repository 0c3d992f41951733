// Stage 1 of a launch (launcher/README.md): every read that planning needs — the EDF and the
// command line, the image (pulled first if it is a registry reference) and its facts, the
// host, skiff's runtime directories, and each hook's facts — and nothing after it reads the
// host to decide anything.
#pragma once

#include "common/diagnostics.hpp"
#include "common/timeline.hpp"
#include "common/unique_fd.hpp"
#include "launcher/gather/run_options.hpp"
#include "launcher/gather/runtime_dir.hpp"
#include "launcher/plan/planner.hpp"

namespace skiff::gather {

// What a launch holds open until its exec: the request names these descriptors.
struct KeptOpen {
    UniqueFd image;    // a temporary registry image
    StateDirs state;   // skiff's runtime directories, reached only through these
    UniqueFd overlay_lock;  // --overlay DIR's lock (overlay_dir.hpp); the command inherits it
};

// Warnings go to `diag` (the caller prints them before any error); -v steps to `timeline`.
// `host`: read_host_facts() of the launch, read once (the plan memory keys on them too).
Result<plan::PlanRequest> gather(const RunOptions& options, const site::SiteConfig& site, plan::HostFacts host,
                                 KeptOpen& kept, Diagnostics& diag, Timeline& timeline);

}  // namespace skiff::gather
