#include "tests/support/standin_driver.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "tests/support/process.hpp"

namespace skiff::test {
namespace {

Result<void> ran(const ProcessResult& r, const std::string& what) {
    if (r.status == 0) return {};
    std::ostringstream text;
    text << what << " failed: " << r;
    return fail(text.str());
}

// Glibc-linked, as the real ones are: the others call getenv.
Result<void> make_libraries(const TempDir& tree) {
    auto other = tree.write_file("stub.c", "#include <stdlib.h>\nint stub(void) { return getenv(\"X\") != 0; }\n");
    const std::string sources = SKIFF_GPU_TEST_SOURCES;
    if (auto r = ran(run_process({"mkdir", "-p", tree / "lib"}), "mkdir"); !r) return r;
    for (std::string soname : {"libcuda.so.1", "libnvidia-ml.so.1", "libnvidia-ptxjitcompiler.so.1"}) {
        std::string file = tree / "lib/" + soname.substr(0, soname.size() - 2) + "." + standin_driver_version;
        std::string source = soname == "libcuda.so.1" ? sources + "/stub_libcuda.c" : other;
        auto cc = run_process({"cc", "-shared", "-fPIC", "-Wl,-soname," + soname, "-o", file, source});
        if (auto r = ran(cc, "cc " + soname); !r) return r;
    }
    auto smoke = run_process({"cc", "-O2", "-o", tree / "gpu-smoke", sources + "/gpu_smoke.c", "-ldl"});
    if (auto r = ran(smoke, "cc gpu_smoke.c"); !r) return r;
    tree.write_file("ld.so.conf", tree / "lib\n");
    return ran(run_process({"/sbin/ldconfig", "-C", tree / "ld.so.cache", "-f", tree / "ld.so.conf"}), "ldconfig");
}

void make_proc(const TempDir& tree, const std::vector<StandinGpu>& gpus) {
    tree.write_file("proc/version",
                    "NVRM version: NVIDIA UNIX x86_64 Kernel Module  " + standin_driver_version + "  Tue Mar 5\n");
    for (const auto& gpu : gpus)
        tree.write_file("proc/gpus/" + gpu.bus + "/information", "Model: \t\t Stub\nGPU UUID: \t " + gpu.uuid +
                                                                     "\nDevice Minor: \t " + std::to_string(gpu.minor) + "\n");
}

Result<void> make_fifos(const TempDir& tree, const std::vector<StandinGpu>& gpus) {
    std::vector<std::string> nodes{"nvidiactl", "nvidia-uvm"};
    for (const auto& gpu : gpus) nodes.push_back("nvidia" + std::to_string(gpu.minor));
    if (auto r = ran(run_process({"mkdir", "-p", tree / "dev"}), "mkdir"); !r) return r;
    for (const auto& node : nodes)
        if (::mkfifo((tree / "dev/" + node).c_str(), 0666) != 0) return fail("mkfifo " + node + " failed");
    return {};
}

}  // namespace

std::string StandinDriver::site_table() const {
    return "[hooks.nvidia]\ndriver_proc = \"" + root + "/proc\"\ndevices_dir = \"" + devices_dir + "\"\nld_cache = \"" +
           root + "/ld.so.cache\"\nprograms_dirs = [\"" + root + "/bin\"]\nfirmware_dir = \"" + root + "/firmware\"\n";
}

std::string standin_driver_missing_tools() {
    if (::access("/usr/bin/cc", X_OK) == 0 && ::access("/sbin/ldconfig", X_OK) == 0) return "";
    return "cc and ldconfig are needed to make the stand-in driver (scripts/install-deps.sh)";
}

Result<StandinDriver> build_standin_driver(const TempDir& tree, const std::vector<StandinGpu>& gpus,
                                           const std::string& devices_dir) {
    if (auto r = make_libraries(tree); !r) return Unexpected(r.error());
    make_proc(tree, gpus);
    if (devices_dir.empty())
        if (auto r = make_fifos(tree, gpus); !r) return Unexpected(r.error());
    auto dirs = run_process({"mkdir", "-p", tree / "bin", tree / "firmware/" + standin_driver_version});
    if (auto r = ran(dirs, "mkdir"); !r) return Unexpected(r.error());
    auto smi = tree.write_file("bin/nvidia-smi", "#!/bin/sh\necho \"stub nvidia-smi $NVIDIA_VISIBLE_DEVICES\"\n");
    ::chmod(smi.c_str(), 0755);
    return StandinDriver{tree.path(), devices_dir.empty() ? tree / "dev" : devices_dir};
}

void add_standin_mps(const StandinDriver& driver, const std::string& control_sleep, const std::string& server_sleep) {
    const std::string control =
        "#!/bin/sh\n"
        "[ \"$1\" = -f ] || { echo 'stub: run me with -f' >&2; exit 2; }\n"
        "echo \"start $CUDA_VISIBLE_DEVICES\" >> /mps-record\n"
        "if [ -n \"$MPS_STUB_FAIL\" ]; then\n"
        "  echo 'stub: cannot open /dev/nvidia1' > \"$CUDA_MPS_LOG_DIRECTORY/control.log\"; exit 1\n"
        "fi\n"
        "echo \"stub control for $CUDA_VISIBLE_DEVICES\" > \"$CUDA_MPS_LOG_DIRECTORY/control.log\"\n"
        "(setsid " + server_sleep + " &)\n"
        "echo $$ > \"$CUDA_MPS_PIPE_DIRECTORY/nvidia-cuda-mps-control.pid\"\n"
        "exec " + control_sleep + "\n";
    for (const auto& [name, text] : {std::pair<std::string, std::string>{"nvidia-cuda-mps-control", control},
                                     {"nvidia-cuda-mps-server", "#!/bin/sh\nexit 0\n"}}) {
        std::ofstream(driver.root + "/bin/" + name) << text;
        ::chmod((driver.root + "/bin/" + name).c_str(), 0755);
    }
}

}  // namespace skiff::test
