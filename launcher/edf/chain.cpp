#include "launcher/edf/chain.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "launcher/edf/expand.hpp"
#include "launcher/edf/paths.hpp"
#include "launcher/edf/read_file.hpp"

namespace skiff::edf {
namespace {

// Past this many nested files the walk stops: the chain is too deep whatever lies below.
constexpr std::size_t kWalkLimit = 64;

class Walker {
public:
    Walker(const LoadOptions& options, const std::vector<std::string>& dirs, Diagnostics& diag)
        : options_(options), dirs_(dirs), diag_(diag) {}

    Chain run(const Located& top) {
        visit(top);
        Chain chain;
        chain.complete = complete_;
        for (const FileId& id : order_) chain.files.push_back(std::move(nodes_[id].data));
        return chain;
    }

private:
    enum class Status { ok, cycle };

    struct Node {
        std::string path;
        FileData data;
        bool read = false;
        bool done = false;
        std::vector<FileId> longest;  // the longest chain of ancestors from this file down
    };

    Status visit(const Located& file) {
        if (auto pos = std::find(stack_.begin(), stack_.end(), file.id); pos != stack_.end()) {
            std::vector<FileId> cycle(pos, stack_.end());
            cycle.push_back(file.id);
            error("base_environment cycle: " + chain_text(cycle));
            return Status::cycle;
        }
        Node& node = nodes_[file.id];
        if (node.path.empty()) node.path = file.path;  // the first spelling names it in messages
        if (node.done || stack_.size() >= kWalkLimit) {
            if (!node.done) node.longest = {file.id};
            check_depth(node.longest);
            return Status::ok;
        }
        if (!node.read) {
            node.data = read_file(file.path, diag_);
            node.read = true;
            if (!node.data.image_known) complete_ = false;
        }
        return visit_parents(file.id, node);
    }

    Status visit_parents(const FileId& id, Node& node) {
        stack_.push_back(id);
        Status status = Status::ok;
        std::vector<FileId> longest_parent;
        for (const Text& entry : node.data.bases) {
            std::optional<Located> parent = resolve(entry);
            if (!parent) continue;
            if (visit(*parent) == Status::cycle) {
                status = Status::cycle;
                continue;
            }
            const std::vector<FileId>& chain = nodes_[parent->id].longest;
            if (chain.size() > longest_parent.size()) longest_parent = chain;
        }
        stack_.pop_back();
        node.longest = {id};
        node.longest.insert(node.longest.end(), longest_parent.begin(), longest_parent.end());
        node.done = true;
        order_.push_back(id);
        if (status == Status::ok) check_depth(node.longest);
        return status;
    }

    // Expands and resolves one base_environment entry (§3); nullopt if there is nothing to visit.
    std::optional<Located> resolve(const Text& entry) {
        ExpandOptions expand_options{.forbid_per_task = true, .defer_unset_slurm = options_.srun_validation};
        auto expanded = expand(entry.value, options_.host_env, expand_options);
        std::string where = entry.origin.str() + ": " + entry.field + ": ";
        if (!expanded) return error(where + expanded.error().message);
        if (expanded->deferred) {
            complete_ = false;  // the node resolves it when the variable is set
            return std::nullopt;
        }
        const std::string& value = expanded->value;
        if (value.empty()) return std::nullopt;
        if (value.starts_with('~')) return error(where + "'~' is not expanded; use ${HOME}");
        auto located = locate(value, options_.cwd, dirs_);
        if (!located) return error(describe_parent(entry.origin.str(), value, located.error(), dirs_));
        return *located;
    }

    // An inheritance chain holds at most kMaxChainFiles files, the one being loaded included.
    void check_depth(const std::vector<FileId>& tail) {
        if (depth_reported_ || stack_.size() + tail.size() <= kMaxChainFiles) return;
        std::vector<FileId> chain(stack_);
        chain.insert(chain.end(), tail.begin(), tail.end());
        depth_reported_ = true;
        error("base_environment chain longer than " + std::to_string(kMaxChainFiles) + " files: " + chain_text(chain));
    }

    // "a.toml → b.toml → a.toml": base names, or full paths if two base names are equal.
    std::string chain_text(const std::vector<FileId>& chain) {
        std::set<std::string> names;
        std::set<FileId> ids(chain.begin(), chain.end());
        for (const FileId& id : ids) names.insert(base_name(nodes_[id].path));
        bool full = names.size() < ids.size();
        std::string out;
        for (const FileId& id : chain) {
            const std::string& path = nodes_[id].path;
            out += (out.empty() ? "" : " \u2192 ") + (full ? path : base_name(path));
        }
        return out;
    }

    std::nullopt_t error(std::string message) {
        diag_.error(std::move(message));
        complete_ = false;
        return std::nullopt;
    }

    const LoadOptions& options_;
    const std::vector<std::string>& dirs_;
    Diagnostics& diag_;
    std::map<FileId, Node> nodes_;
    std::vector<FileId> stack_;
    std::vector<FileId> order_;
    bool depth_reported_ = false;
    bool complete_ = true;
};

}  // namespace

Chain order_chain(const Located& top, const LoadOptions& options, const std::vector<std::string>& dirs,
                  Diagnostics& diag) {
    return Walker(options, dirs, diag).run(top);
}

}  // namespace skiff::edf
