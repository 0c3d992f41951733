// The test_support library for the ns and e2e tiers (tests/README.md): include this one.
#pragma once

#include "tests/support/host.hpp"      // skiff_binary, test images, SKIFF_REQUIRE, mounts
#include "tests/support/process.hpp"   // run_process, start_process
#include "tests/support/temp_dir.hpp"  // TempDir
