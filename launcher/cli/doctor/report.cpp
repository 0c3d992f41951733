// The findings as lines for people and as JSON for scripts.
#include "common/quote.hpp"
#include "launcher/cli/doctor/findings.hpp"

namespace skiff::cli::doctor {
namespace {

const char* verdict_name(Verdict v) { return v == Verdict::ok ? "ok" : v == Verdict::warn ? "warn" : "fail"; }

}  // namespace

std::string render_text(const Findings& findings) {
    std::string text;
    for (const Finding& f : findings) {
        std::string mark = f.verdict == Verdict::fail ? "FAIL" : verdict_name(f.verdict);
        text += mark + std::string(6 - mark.size(), ' ') + f.check + ": " + f.detail;
        if (!f.fix.empty()) text += "; fix: " + f.fix;
        text += "\n";
    }
    return text;
}

std::string render_json(const Findings& findings) {
    std::string json = "[";
    for (const Finding& f : findings) {
        json += json.size() > 1 ? ",\n " : "\n ";
        json += "{\"check\": " + quote(f.check) + ", \"verdict\": \"" + verdict_name(f.verdict) + "\", \"detail\": " +
                quote(f.detail) + ", \"fix\": " + quote(f.fix) + "}";
    }
    return json + "\n]\n";
}

}  // namespace skiff::cli::doctor
