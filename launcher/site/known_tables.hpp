// Every table and top-level key of the site configuration must be one that skiff reads: an
// administrator's typo ([hooks.standrad], toplevel = 1) is an error, never a table ignored in
// silence. The keys inside a known table are checked by its reader (site_table.hpp).
#pragma once

#include <span>
#include <string_view>

#include "common/error.hpp"
#include "launcher/site/site_config.hpp"

namespace skiff::site {

// `known`: the dotted names of the tables skiff reads ("hooks.standard", ...). The error is one
// line naming FILE:LINE and the table or key, with a did-you-mean and the known tables.
Result<void> check_known_tables(const SiteConfig& config, std::span<const std::string_view> known);

}  // namespace skiff::site
