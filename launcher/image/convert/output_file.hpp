// A file that appears under its final name complete or not at all (edf.md §7.2: readers never
// see a partial image). It is written unnamed (O_TMPFILE), so a killed writer leaves nothing
// behind; on file systems without O_TMPFILE it has a hidden temporary name in the same
// directory, removed on every error path. commit() syncs the data, gives it a temporary name
// and renames that over the final name.
#pragma once

#include <string>

#include "common/error.hpp"
#include "common/unique_fd.hpp"

namespace skiff::image::convert {

class OutputFile {
public:
    static Result<OutputFile> create(const std::string& final_path);
    OutputFile(OutputFile&& other) noexcept;
    OutputFile& operator=(OutputFile&&) = delete;
    OutputFile(const OutputFile&) = delete;
    ~OutputFile();

    int fd() const { return fd_.get(); }
    const std::string& path() const { return final_path_; }
    Result<void> commit();

private:
    OutputFile(std::string final_path, std::string temp_path, UniqueFd fd)
        : final_path_(std::move(final_path)), temp_path_(std::move(temp_path)), fd_(std::move(fd)) {}
    std::string final_path_;
    std::string temp_path_;  // "" while unnamed (O_TMPFILE)
    UniqueFd fd_;
    bool committed_ = false;
};

}  // namespace skiff::image::convert
