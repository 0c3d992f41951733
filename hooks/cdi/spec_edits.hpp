// containerEdits of a CDI spec or device, from its JSON tree to typed edits, checked field by
// field (json_fields.hpp): types, required fields, absolute paths, values the spec allows.
#pragma once

#include "hooks/cdi/cdi_spec.hpp"
#include "hooks/cdi/json_fields.hpp"

namespace skiff::cdi {

// `where` names the edits in messages: "containerEdits", "device '0' containerEdits".
Result<ContainerEdits> read_edits(const ReadContext& ctx, const Json& value, const std::string& where);

}  // namespace skiff::cdi
