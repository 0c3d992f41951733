// TempDir: a fresh directory (mkdtemp) removed with everything below it on destruction,
// unless something is still mounted below it: then it is left in place and the test fails,
// because a recursive removal would reach into the mounted file system.
#pragma once

#include <string>

namespace skiff::test {

class TempDir {
public:
    // Creates "$TMPDIR/skiff-test-<tag>-XXXXXX" (TMPDIR defaults to /tmp), mode 0700.
    explicit TempDir(const std::string& tag = "tmp");
    // Creates "<base>/skiff-test-<tag>-XXXXXX", e.g. under /var/tmp.
    TempDir(const std::string& tag, const std::string& base);
    TempDir(TempDir&& other) noexcept;
    TempDir& operator=(TempDir&& other) noexcept;
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir();

    const std::string& path() const { return path_; }
    std::string operator/(const std::string& name) const { return path_ + "/" + name; }

    // Writes `content` to path()/name (creating parent directories) and returns that path.
    std::string write_file(const std::string& name, const std::string& content) const;

    // The content of path()/name; "" when it is missing.
    std::string read_file(const std::string& name) const;

    // Removes the tree now; false (and a test failure) if something is mounted below it.
    bool remove();

private:
    std::string path_;
};

}  // namespace skiff::test
