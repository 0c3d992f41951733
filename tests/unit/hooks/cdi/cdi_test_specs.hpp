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

// The shape of what `nvidia-ctk cdi generate` writes (toolkit 1.16/1.17): a document marker,
// keys in Go's sorted order, a device per index, per UUID and "all", and the hooks it uses.
// HOST stands for a test directory holding the host files.
inline constexpr const char* nvidia_ctk_yaml = R"(---
cdiVersion: 0.5.0
containerEdits:
  deviceNodes:
  - hostPath: HOST/dev/nvidiactl
    path: /dev/nvidiactl
  env:
  - NVIDIA_VISIBLE_DEVICES=void
  hooks:
  - args:
    - nvidia-cdi-hook
    - create-symlinks
    - --link
    - libcuda.so.1::/usr/lib/x86_64-linux-gnu/libcuda.so
    env:
    - NVIDIA_CTK_DEBUG=false
    hookName: createContainer
    path: /usr/bin/nvidia-cdi-hook
  - args:
    - nvidia-cdi-hook
    - enable-cuda-compat
    - --host-driver-version=550.54.15
    hookName: createContainer
    path: /usr/bin/nvidia-cdi-hook
  - args:
    - nvidia-cdi-hook
    - update-ldcache
    - --folder
    - /usr/lib/x86_64-linux-gnu
    hookName: createContainer
    path: /usr/bin/nvidia-cdi-hook
  mounts:
  - containerPath: /usr/lib/x86_64-linux-gnu/libcuda.so.550.54.15
    hostPath: HOST/lib/libcuda.so.550.54.15
    options:
    - ro
    - nosuid
    - nodev
    - bind
  - containerPath: /run/nvidia-persistenced/socket
    hostPath: HOST/run/socket
    options:
    - ro
    - nosuid
    - nodev
    - bind
    - noexec
devices:
- containerEdits:
    deviceNodes:
    - hostPath: HOST/dev/nvidia0
      path: /dev/nvidia0
    - hostPath: HOST/dev/dri/card1
      path: /dev/dri/card1
    hooks:
    - args:
      - nvidia-cdi-hook
      - create-symlinks
      - --link
      - ../card1::/dev/dri/by-path/pci-0000:3b:00.0-card
      hookName: createContainer
      path: /usr/bin/nvidia-cdi-hook
    - args:
      - nvidia-cdi-hook
      - chmod
      - --mode
      - "755"
      - --path
      - /dev/dri
      hookName: createContainer
      path: /usr/bin/nvidia-cdi-hook
  name: "0"
- containerEdits:
    deviceNodes:
    - hostPath: HOST/dev/nvidia0
      path: /dev/nvidia0
  name: GPU-4f2ab3c1-8d2e-11ee-b9d1-0242ac120002
- containerEdits:
    deviceNodes:
    - hostPath: HOST/dev/nvidia0
      path: /dev/nvidia0
  name: all
kind: nvidia.com/gpu
)";

}  // namespace skiff::cdi::testing
