// Prefix legend: yaml_ is libyaml's event parser (yaml.h).
#include "hooks/cdi/yaml_to_json.hpp"

#include <yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "hooks/cdi/yaml_scalar.hpp"

namespace skiff::cdi {
namespace {


struct YamlParser {
    yaml_parser_t parser{};
    bool ready = false;
    YamlParser() { ready = yaml_parser_initialize(&parser) != 0; }
    ~YamlParser() {
        if (ready) yaml_parser_delete(&parser);
    }
    YamlParser(const YamlParser&) = delete;
    YamlParser& operator=(const YamlParser&) = delete;
};

struct YamlEvent {
    yaml_event_t event{};
    bool live = false;
    YamlEvent() = default;
    ~YamlEvent() {
        if (live) yaml_event_delete(&event);
    }
    YamlEvent(const YamlEvent&) = delete;
    YamlEvent& operator=(const YamlEvent&) = delete;
};

std::string at_line(std::size_t line) { return "line " + std::to_string(line + 1) + ": "; }

// Builds the tree from the events: a stack of the open containers, with the pending key of
// each open mapping.
class TreeBuilder {
public:
    explicit TreeBuilder(std::size_t max_depth) : max_depth_(max_depth) {}

    Result<void> scalar(std::string text, nlohmann::json value, std::size_t line) {
        if (!stack_.empty() && stack_.back().value->is_object() && !stack_.back().key) {
            stack_.back().key = std::move(text);
            return {};
        }
        auto placed = place(std::move(value), line);
        if (!placed) return Unexpected(placed.error());
        return {};
    }

    Result<void> open(nlohmann::json container, std::size_t line) {
        if (stack_.size() >= max_depth_)
            return fail(at_line(line) + "nested deeper than " + std::to_string(max_depth_) + " levels");
        if (!stack_.empty() && stack_.back().value->is_object() && !stack_.back().key)
            return fail(at_line(line) + "a mapping key must be a plain value, not a mapping or a list");
        auto placed = place(std::move(container), line);
        if (!placed) return Unexpected(placed.error());
        stack_.push_back({*placed, std::nullopt});
        return {};
    }

    void close() { stack_.pop_back(); }
    nlohmann::json take() { return std::move(root_); }

private:
    struct Frame {
        nlohmann::json* value;
        std::optional<std::string> key;
    };

    Result<nlohmann::json*> place(nlohmann::json value, std::size_t line) {
        if (stack_.empty()) {
            if (has_root_) return fail(at_line(line) + "more than one document");
            has_root_ = true;
            root_ = std::move(value);
            return &root_;
        }
        Frame& top = stack_.back();
        if (top.value->is_array()) {
            top.value->push_back(std::move(value));
            return &top.value->back();
        }
        std::string key = std::move(*top.key);
        top.key.reset();
        if (top.value->contains(key)) return fail(at_line(line) + "duplicate key '" + key + "'");
        nlohmann::json& slot = (*top.value)[key];
        slot = std::move(value);
        return &slot;
    }

    std::size_t max_depth_;
    std::vector<Frame> stack_;
    nlohmann::json root_;
    bool has_root_ = false;
};

bool has_anchor(const yaml_event_t& e) {
    switch (e.type) {
        case YAML_SCALAR_EVENT: return e.data.scalar.anchor != nullptr;
        case YAML_SEQUENCE_START_EVENT: return e.data.sequence_start.anchor != nullptr;
        case YAML_MAPPING_START_EVENT: return e.data.mapping_start.anchor != nullptr;
        case YAML_NO_EVENT:
        case YAML_STREAM_START_EVENT:
        case YAML_STREAM_END_EVENT:
        case YAML_DOCUMENT_START_EVENT:
        case YAML_DOCUMENT_END_EVENT:
        case YAML_ALIAS_EVENT:
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: break;
    }
    return false;
}

Result<void> on_scalar(const yaml_event_t& e, TreeBuilder& tree) {
    const auto& s = e.data.scalar;
    std::string text(reinterpret_cast<const char*>(s.value), s.length);
    const char* tag = reinterpret_cast<const char*>(s.tag);
    bool plain = s.style == YAML_PLAIN_SCALAR_STYLE && tag == nullptr;
    auto value = plain ? typed_plain_scalar(text) : nlohmann::json(text);
    return tree.scalar(std::move(text), std::move(value), e.start_mark.line);
}

// One event into the tree; true once the stream ends.
Result<bool> on_event(const yaml_event_t& e, TreeBuilder& tree) {
    std::size_t line = e.start_mark.line;
    if (e.type == YAML_ALIAS_EVENT || has_anchor(e))
        return fail(at_line(line) + "YAML anchors and aliases are not supported in CDI specs");
    switch (e.type) {
        case YAML_SCALAR_EVENT:
            if (auto r = on_scalar(e, tree); !r) return Unexpected(r.error());
            break;
        case YAML_SEQUENCE_START_EVENT:
            if (auto r = tree.open(nlohmann::json::array(), line); !r) return Unexpected(r.error());
            break;
        case YAML_MAPPING_START_EVENT:
            if (auto r = tree.open(nlohmann::json::object(), line); !r) return Unexpected(r.error());
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: tree.close(); break;
        case YAML_STREAM_END_EVENT: return true;
        case YAML_NO_EVENT:
        case YAML_STREAM_START_EVENT:
        case YAML_DOCUMENT_START_EVENT:
        case YAML_DOCUMENT_END_EVENT:
        case YAML_ALIAS_EVENT: break;
    }
    return false;
}

std::string parser_error(const yaml_parser_t& p) {
    std::string what = p.problem ? p.problem : "malformed YAML";
    if (p.context) what = std::string(p.context) + ": " + what;
    return at_line(p.problem_mark.line) + what;
}

}  // namespace

Result<nlohmann::json> yaml_to_json(std::string_view text, std::size_t max_depth) {
    YamlParser p;
    if (!p.ready) return fail("cannot start the YAML parser");
    yaml_parser_set_input_string(&p.parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    TreeBuilder tree(max_depth);
    for (;;) {
        YamlEvent e;
        if (!yaml_parser_parse(&p.parser, &e.event)) return fail(parser_error(p.parser));
        e.live = true;
        auto done = on_event(e.event, tree);
        if (!done) return Unexpected(done.error());
        if (*done) break;
    }
    return tree.take();
}

}  // namespace skiff::cdi
