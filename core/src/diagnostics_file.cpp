#include "diagnostics_file.hpp"

#include <charconv>
#include <fstream>
#include <sstream>
#include <vector>

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

namespace meridian::core {

namespace {
std::vector<std::string> split_commas(const std::string& line) {
  std::vector<std::string> cells;
  std::size_t begin = 0;
  for (std::size_t comma; (comma = line.find(',', begin)) != std::string::npos; begin = comma + 1)
    cells.push_back(line.substr(begin, comma - begin));
  cells.push_back(line.substr(begin));
  return cells;
}
}  // namespace

std::optional<double> DiagnosticsFile::last_kept(const std::string& column) const {
  const std::size_t header_end = kept_.find('\n');
  if (header_end == std::string::npos || header_end + 1 == kept_.size()) return std::nullopt;  // no rows
  const std::size_t last_begin = kept_.rfind('\n', kept_.size() - 2) + 1;
  const std::vector<std::string> names = split_commas(kept_.substr(0, header_end));
  const std::vector<std::string> cells = split_commas(kept_.substr(last_begin, kept_.size() - 1 - last_begin));
  for (std::size_t k = 0; k < names.size() && k < cells.size(); ++k) {
    if (names[k] != column) continue;
    double value = 0;
    const auto [end, ec] = std::from_chars(cells[k].data(), cells[k].data() + cells[k].size(), value);
    if (ec != std::errc() || end != cells[k].data() + cells[k].size()) return std::nullopt;
    return value;
  }
  return std::nullopt;
}

}  // namespace meridian::core
