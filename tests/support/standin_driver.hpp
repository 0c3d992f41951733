// A stand-in NVIDIA driver tree for the GPU tests (CI has no GPU), built at test time: stub
// driver libraries with the real sonames and versioned file names in a cache made by ldconfig
// (libcuda is tests/gpu/stub_libcuda.c, whose GPUs are the container's /dev/nvidiaN), a stub
// nvidia-smi, a stand-in /proc/driver/nvidia with an `information` file per GPU, a firmware
// directory, and the driver-API smoke test tests/gpu/gpu_smoke.c. site_table() points
// [hooks.nvidia] at it.
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"
#include "tests/support/temp_dir.hpp"

namespace skiff::test {

inline const std::string standin_driver_version = "550.54.15";

// One GPU of /proc/driver/nvidia/gpus: BUS/information, whose device node is /dev/nvidiaMINOR.
struct StandinGpu {
    std::string bus;
    std::string uuid;
    int minor = 0;
};

struct StandinDriver {
    std::string root;         // the tree
    std::string devices_dir;  // nvidiaN, nvidiactl, nvidia-uvm

    std::string smoke() const { return root + "/gpu-smoke"; }
    std::string site_table() const;  // "[hooks.nvidia]" and its keys
};

// Empty where cc and ldconfig are there; else why the stand-in cannot be built.
std::string standin_driver_missing_tools();

// Builds the tree in `tree`, the GPUs in NVML (bus) order. With `devices_dir` empty the device
// nodes are FIFOs in tree/dev; otherwise that directory must hold them already.
Result<StandinDriver> build_standin_driver(const TempDir& tree, const std::vector<StandinGpu>& gpus,
                                           const std::string& devices_dir = "");

// A stand-in nvidia-cuda-mps-control and -server in the driver's bin/. With -f the control
// daemon appends "start $CUDA_VISIBLE_DEVICES" to /mps-record (bind one there), writes its log
// and pid file as the real one does, leaves `server_sleep` running in a session of its own as
// the real one leaves its MPS servers, and becomes `control_sleep`. With MPS_STUB_FAIL set it
// logs "stub: cannot open /dev/nvidia1" and exits 1.
void add_standin_mps(const StandinDriver& driver, const std::string& control_sleep, const std::string& server_sleep);

}  // namespace skiff::test
