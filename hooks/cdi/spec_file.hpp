// One CDI spec file from disk: *.json, *.yaml or *.yml, a regular file of at most
// max_spec_bytes. A file that does not load still tells, where it can, which kind it meant,
// so that its error is reported when that kind is requested (cdi_registry.hpp).
#pragma once

#include <optional>
#include <string>

#include "hooks/cdi/cdi_spec.hpp"
#include "hooks/cdi/spec_parse.hpp"

namespace skiff::cdi {

// The format of a file name by its extension; nullopt for other files.
std::optional<SpecFormat> spec_format(const std::string& file_name);

struct SpecFile {
    std::string file;
    std::optional<Spec> spec;  // loaded and checked
    std::string error;         // else why not: one line naming the file
    std::string kind;          // else the kind it names, when it can be read; "" if not
};

SpecFile read_spec_file(const std::string& path, SpecFormat format);

}  // namespace skiff::cdi
