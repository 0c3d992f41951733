// Converts into a file that appears complete or not at all (convert/output_file.hpp), with
// progress on stderr and a closing line that says what was written.
#pragma once

#include <string>

#include "common/error.hpp"
#include "launcher/image/convert/convert.hpp"

namespace skiff::pull {

Result<void> convert_into(const image::convert::ConvertInput& input, const std::string& path,
                          const image::convert::SquashfsOptions& options);

}  // namespace skiff::pull
