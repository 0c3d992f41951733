// CDI spec texts for the tests: the two examples of gpu.md §3 and variants of them.
#pragma once

namespace skiff::cdi::testing {

// gpu.md §3, YAML, as written.
inline constexpr const char* gpu_md_yaml = R"(cdiVersion: 0.5.0
kind: nvidia.com/gpu
devices:
- name: "0"
  containerEdits: {deviceNodes: [{path: /dev/nvidia0}]}
containerEdits:
  env: [NVIDIA_VISIBLE_DEVICES=void]
  mounts: [{hostPath: /usr/lib64/libcuda.so.550.54.15, containerPath: /usr/lib64/libcuda.so.550.54.15, options: [ro, nosuid, nodev, rbind, rprivate]}]
  hooks: [{hookName: createContainer, path: /usr/bin/nvidia-cdi-hook, args: [nvidia-cdi-hook, update-ldcache, --folder, /usr/lib64]}]
)";

// gpu.md §3, JSON, as written: cdiVersion 0.3.0 with the digit-first name "0", which CDI's
// version rules (and skiff's) put at 0.5.0.
inline constexpr const char* gpu_md_json =
    R"({"cdiVersion":"0.3.0","kind":"nvidia.com/gpu","devices":[{"name":"0","containerEdits":{"deviceNodes":[{"path":"/dev/nvidia0"}]}}]})";

// The same at 0.5.0.
inline constexpr const char* gpu_md_json_050 =
    R"({"cdiVersion":"0.5.0","kind":"nvidia.com/gpu","devices":[{"name":"0","containerEdits":{"deviceNodes":[{"path":"/dev/nvidia0"}]}}]})";

}  // namespace skiff::cdi::testing
