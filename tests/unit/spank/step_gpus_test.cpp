#include "launcher/spank/step_gpus.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "tests/support/temp_dir.hpp"

namespace skiff::spank {
namespace {

using namespace std::chrono_literals;

TEST(StepGpus, TheUnionHasEachGpuOnceInNumericOrder) {
    EXPECT_EQ(union_of_gpu_lists({"10,2", "1", "2,", ""}), "1,2,10");
    EXPECT_EQ(union_of_gpu_lists({}), "");
}

TEST(StepGpus, TheCollectorReadsEveryTasksListAndLeavesNothing) {
    test::TempDir dir("step-gpus");
    ASSERT_TRUE(leave_task_gpus(dir.path(), 1, "1"));
    ASSERT_TRUE(leave_task_gpus(dir.path(), 0, "0"));
    EXPECT_EQ(collect_step_gpus(dir.path(), 2, 5s), "0,1");
    struct stat st {};
    EXPECT_NE(::stat((dir / "gpus.0").c_str(), &st), 0);
    EXPECT_NE(::stat((dir / "gpus.1").c_str(), &st), 0);
}

TEST(StepGpus, AMissingTaskCostsOnlyThePatience) {
    test::TempDir dir("step-gpus");
    ASSERT_TRUE(leave_task_gpus(dir.path(), 0, "3"));
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(collect_step_gpus(dir.path(), 2, 200ms), "3");
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

}  // namespace
}  // namespace skiff::spank
