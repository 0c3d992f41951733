#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <utility>
#include <vector>

#include "tests/support/host.hpp"

namespace skiff::test {
namespace fs = std::filesystem;

namespace {

// A test may leave directories without write or search permission (e.g. a read-only image
// copy); give them back to the owner so that remove_all can descend into them.
void make_tree_removable(const fs::path& root) {
    std::error_code ec;
    fs::permissions(root, fs::perms::owner_all, fs::perm_options::add, ec);
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it); it.increment(ec)) {
        if (it->is_directory(ec) && !it->is_symlink(ec)) {
            fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
        }
    }
}

std::string default_base() {
    const char* tmp = std::getenv("TMPDIR");
    return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

}  // namespace

TempDir::TempDir(const std::string& tag) : TempDir(tag, default_base()) {}

TempDir::TempDir(const std::string& tag, const std::string& base) {
    std::string pattern = base + "/skiff-test-" + tag + "-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp " + pattern + " failed");
    path_ = buf.data();
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
    if (this != &other) {
        remove();
        path_ = std::exchange(other.path_, {});
    }
    return *this;
}

TempDir::~TempDir() { remove(); }

std::string TempDir::write_file(const std::string& name, const std::string& content) const {
    fs::path p = fs::path(path_) / name;
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out.flush()) throw std::runtime_error("cannot write " + p.string());
    return p.string();
}

std::string TempDir::read_file(const std::string& name) const {
    std::ifstream in(fs::path(path_) / name, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool TempDir::remove() {
    if (path_.empty()) return true;
    auto mounted = mounts_under(path_);
    if (!mounted.empty()) {
        ADD_FAILURE() << "TempDir " << path_ << " is not removed: " << mounted.size()
                      << " mount(s) left below it, first " << mounted.front();
        path_.clear();
        return false;
    }
    make_tree_removable(path_);
    std::error_code ec;
    fs::remove_all(path_, ec);
    if (ec) ADD_FAILURE() << "cannot remove TempDir " << path_ << ": " << ec.message();
    path_.clear();
    return !ec;
}

}  // namespace skiff::test
