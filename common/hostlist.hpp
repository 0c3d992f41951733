// Slurm host lists (SLURM_STEP_NODELIST): "n[1-3,5],gpu07,rack[1-2]-n[01-02]" names n1 n2 n3 n5
// gpu07 rack1-n01 rack1-n02 rack2-n01 rack2-n02. Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace skiff {

// The names of `list`, in its order. A range keeps the width of its lower bound ("01-10" gives
// 01, 02, ... 10). Errors name the list: unbalanced or nested brackets, a range that is not
// DIGITS or DIGITS-DIGITS with lower <= upper, an empty name, more than `max_names` names.
Result<std::vector<std::string>> expand_hostlist(std::string_view list, std::size_t max_names);

}  // namespace skiff
