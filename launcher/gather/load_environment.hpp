// The environment a `skiff run` uses: the EDF (if any) with the command-line options applied
// on top, as edf.md §1 orders it ("the command line wins").
#pragma once

#include "common/diagnostics.hpp"
#include "launcher/gather/run_options.hpp"
#include "launcher/edf/edf.hpp"

namespace skiff::gather {

Result<edf::Environment> load_environment(const RunOptions& options, const edf::LoadOptions& load,
                                          Diagnostics& diag);

}  // namespace skiff::gather
