#include "diagnostics_file.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

#include "meridian/core/error.hpp"
#include "meridian/core/input_file.hpp"

namespace meridian::core {

DiagnosticsFile::DiagnosticsFile(std::string path, long long continue_from) : path_(std::move(path)) {
  if (continue_from < 0) return;
  std::ifstream in(path_, std::ios::binary);
  if (!in) return;  // continuing into a folder without diagnostics: a new file
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    if (line_no == 1) {
      if (line.rfind("step,", 0) != 0)
        throw ConfigError(-1, "", path_ + " line 1: '" + printable(line) +
                                      "' is not the header 'step,time,...'; the file is damaged (move it away to "
                                      "start a new one)");
      kept_ += line + '\n';
      continue;
    }
    long long step = 0;
    const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), step);
    if (ec != std::errc() || end == line.data() + line.size() || *end != ',')
      throw ConfigError(-1, "", path_ + " line " + std::to_string(line_no) + ": '" + printable(line) +
                                    "' does not start with an integer step; the file is damaged (repair or remove "
                                    "the line)");
    if (step <= continue_from) kept_ += line + '\n';
  }
}

void DiagnosticsFile::write(const std::string& header, const std::string& row) {
  if (started_) return append_to_file(path_, row);
  held_ += row;
  header_ = header;
  // %.17g writes a non-finite value as nan, -nan, inf or -inf; nothing else in a row has letters.
  if (row.find("nan") == std::string::npos && row.find("inf") == std::string::npos) finish();
}

void DiagnosticsFile::finish() {
  if (started_ || held_.empty()) return;
  write_file_atomically(path_, (kept_.empty() ? header_ : kept_) + held_);
  kept_.clear();
  held_.clear();
  started_ = true;
}

}  // namespace meridian::core
