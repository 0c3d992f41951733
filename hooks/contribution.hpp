// The plan's types a hook builds (launcher/plan/contribution.hpp), by their names in hooks::.
#pragma once

#include "launcher/plan/contribution.hpp"

namespace skiff::hooks {

using plan::Contribution;
using plan::InjectedLibrary;
using plan::library_dir;
using plan::private_dir;

}  // namespace skiff::hooks
