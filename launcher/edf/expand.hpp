// Variable expansion of EDF values (edf.md §4). Also used for --annotation and other CLI
// values. Nothing is ever executed.
//
//   $$             a literal '$'
//   ${NAME}        NAME's value; an error if NAME is unset
//   ${NAME:-WORD}  NAME's value if set and non-empty, else WORD literally
//   $NAME          an error (write ${NAME} or $$NAME)
//   $ + other      a literal '$' (space, digit, punctuation other than '{' '(', end of text)
#pragma once

#include <string>
#include <string_view>

#include "common/env_map.hpp"
#include "common/error.hpp"

namespace skiff::edf {

struct ExpandOptions {
    bool forbid_per_task = false;    // SLURM_PROCID & co. are errors (fields shared by a node)
    bool defer_unset_slurm = false;  // an unset SLURM_* is left as written (srun validation)
    bool syntax_only = false;        // check the syntax only; look nothing up
};

struct Expanded {
    std::string value;
    bool deferred = false;  // some ${SLURM_*} was left unexpanded (defer_unset_slurm)
};

// Expands `text` against `lookup`. The error message is "<what>; <what to do>" without any
// location, e.g. "variable 'CASE' is not set; use ${CASE:-VALUE} ...": callers prefix it
// with "file:line: field: ".
Result<Expanded> expand(std::string_view text, const EnvMap& lookup, const ExpandOptions& options = {});

// SLURM_PROCID, SLURM_LOCALID, SLURM_TASK_PID, PMIX_RANK, PMI_RANK, PMI_FD.
bool is_per_task_variable(std::string_view name);

// [A-Za-z_][A-Za-z0-9_]*
bool is_identifier(std::string_view name);

}  // namespace skiff::edf
