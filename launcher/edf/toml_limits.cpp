// The nesting scanner: one pass over the bytes, no allocation beyond max_toml_depth entries.
//
// It must never see less nesting than toml11 parses. toml11 stops at the first syntax error,
// so only the valid prefix of a file matters, and where the scanner must guess on invalid
// text it counts more, never less: a string that misses its closing quote ends at the line's
// end, and a closing bracket that does not match is ignored.
#include "launcher/edf/toml_limits.hpp"

#include <algorithm>
#include <vector>

namespace skiff::edf {
namespace {

// An open array ('[') or inline table ('{') and the depth to return to when it closes.
struct OpenBracket {
    char kind;
    unsigned depth_before;
};

class DepthScanner {
public:
    explicit DepthScanner(std::string_view text) : text_(text) {
        if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;  // a UTF-8 BOM, which toml11 skips
    }

    unsigned run() {
        while (pos_ < text_.size()) {
            step(text_[pos_]);
            if (depth_ > max_toml_depth) return line_;
        }
        return 0;
    }

private:
    void step(char c) {
        switch (c) {
        case '\n': return newline();
        case ' ': case '\t': case '\r': ++pos_; return;
        case '#': pos_ = std::min(text_.find('\n', pos_), text_.size()); return;
        case '"': case '\'':
            at_line_start_ = false;
            return skip_string(c);
        case '[':
            if (at_line_start_ && open_.empty()) return header();
            push(c);
            break;
        case '{': push(c); key_ = true; break;
        case ']': case '}': close(c == ']' ? '[' : '{'); break;
        case ',': next_in_inline_table(); break;
        case '=': key_ = false; break;
        case '.': depth_ += key_ ? 1 : 0; break;  // a dotted key: one table per part
        default: break;
        }
        ++pos_;
        at_line_start_ = false;
    }

    // Outside arrays and inline tables a line ends the key/value pair: back to the table's depth.
    void newline() {
        ++pos_;
        ++line_;
        at_line_start_ = true;
        if (!open_.empty()) return;
        depth_ = table_depth_;
        key_ = true;
    }

    void push(char kind) {
        open_.push_back(OpenBracket{kind, depth_});
        ++depth_;
        key_ = false;
    }

    void close(char kind) {
        if (!open_.empty() && open_.back().kind == kind) {
            depth_ = open_.back().depth_before;
            open_.pop_back();
        }
        key_ = false;  // what follows a closed value is never a key of its own
    }

    // {a.b = 1, c = 2}: after the comma the depth is the table's again, and a key follows.
    void next_in_inline_table() {
        if (open_.empty() || open_.back().kind != '{') return;
        depth_ = open_.back().depth_before + 1;
        key_ = true;
    }

    // [a.b] is two tables deep, [[a.b]] three (the array); the keys below it add to that.
    // Whatever follows the closing bracket on the line is a syntax error toml11 stops at.
    void header() {
        ++pos_;
        unsigned depth = 1;
        if (pos_ < text_.size() && text_[pos_] == '[') {
            ++pos_;
            ++depth;
        }
        while (pos_ < text_.size() && text_[pos_] != '\n' && text_[pos_] != ']') {
            char c = text_[pos_];
            if (c == '"' || c == '\'') {
                skip_string(c);
                continue;
            }
            depth += c == '.' ? 1 : 0;
            ++pos_;
        }
        pos_ = std::min(text_.find('\n', pos_), text_.size());
        table_depth_ = depth_ = depth;
    }

    // From the opening quote to just past the closing one. Basic strings ("...", """...""")
    // know backslash escapes; literal ones ('...', '''...''') do not. A multi-line string may
    // end in up to five quotes: """a""""" is a"" (TOML 1.0).
    void skip_string(char quote) {
        const std::string_view three(quote == '"' ? R"(""")" : "'''");
        const bool multi = text_.substr(pos_, 3) == three;
        pos_ += multi ? 3 : 1;
        while (pos_ < text_.size()) {
            char c = text_[pos_];
            if (c == '\n') {
                if (!multi) return;  // unterminated: toml11 stops here, the line counts on
                ++line_;
            } else if (c == '\\' && quote == '"') {
                if (pos_ + 1 < text_.size() && text_[pos_ + 1] != '\n') ++pos_;
            } else if (c == quote) {
                if (!multi) {
                    ++pos_;
                    return;
                }
                std::size_t run = std::min(text_.find_first_not_of(quote, pos_), text_.size()) - pos_;
                pos_ += std::min<std::size_t>(run, 5);
                if (run >= 3) return;
                continue;
            }
            ++pos_;
        }
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    unsigned line_ = 1;
    unsigned depth_ = 0;        // around the current position
    unsigned table_depth_ = 0;  // of the last [table] header
    bool key_ = true;           // in a key, before its '='
    bool at_line_start_ = true;
    std::vector<OpenBracket> open_;
};

}  // namespace

unsigned too_deep_line(std::string_view text) { return DepthScanner(text).run(); }

}  // namespace skiff::edf
