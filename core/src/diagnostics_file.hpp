#pragma once
// Rank 0's diagnostics.csv. Nothing already in the file changes until this run's first row is
// safely written: that first write puts the kept rows (those of the run being continued, up to the
// step resumed from) and the new row into a temporary file and renames it over the old one; later
// rows are appended. A run that dies before its first row leaves the old file as it was. Rows with a
// NaN or Inf are not "safely written" data: until a finite row arrives (or finish()) they are held
// back, so a resumed run that blows up before its health check does not replace the old rows.

#include <optional>
#include <string>

namespace meridian::core {

class DiagnosticsFile {
 public:
  // Local. `continue_from` >= 0: the run continues the one whose rows are in `path`; they are read
  // now and those with step <= continue_from kept (the rest belong to a run that went further and
  // is replaced). Throws ConfigError naming the file and line of a damaged row (not "step,..." with
  // an integer step). `continue_from` < 0: a new file is made at the first write.
  DiagnosticsFile(std::string path, long long continue_from);

  // Local. Writes `row` (and `header` first if the file has none yet). Throws Error with the reason.
  void write(const std::string& header, const std::string& row);
  // Local. Writes rows still held back (the run ended normally with non-finite rows only).
  void finish();
  // Local. The last kept row's value in `column` (the row the continued run wrote last at or before
  // the step it is resumed from), or nothing if no row was kept or it has no such column.
  std::optional<double> last_kept(const std::string& column) const;

 private:
  std::string path_;
  std::string kept_;  // the old header and rows, written again with the first new row
  std::string header_, held_;  // non-finite rows not yet written, and the header they need
  bool started_ = false;
};

}  // namespace meridian::core
