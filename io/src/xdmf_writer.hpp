#pragma once
// The XDMF 2 side file that lets ParaView (XDMFReader) and VisIt open a component's history as a
// time series. Rank 0's job only: nothing here is collective.

#include <cstddef>
#include <string>
#include <vector>

namespace meridian::io {

struct XdmfStep {
  long long step = 0;
  double time = 0;   // s, shown as the time value
  std::string file;  // history file name, relative to the XDMF file's directory
  int precision = 8;  // bytes per field value in that file (output.precision when it was written)
};
struct XdmfField {
  std::string name;
  int nz = 1;  // fields with levels show their lowest level (a HyperSlab)
  // Non-empty: the field is not in the step files but in this one (a fixed-fields file, dataset
  // ([nz,] ny, nx) with `fixed_precision` bytes per value), the same at every step.
  std::string fixed_file{};
  int fixed_precision = 8;
};

// The document: a temporal collection with, per step, a 3DRectMesh of Dimensions "1 ny nx" with
// VXVYVZ geometry (lon, lat, one z = 0) and one node-centred attribute per field referencing
// "<file>:/<field>", whose dataset is (1, ny, nx) (or (1, nz, ny, nx), read through a HyperSlab), or
// "<fixed_file>:/<field>", (ny, nx) (or (nz, ny, nx)).
//
// With `per_segment` > 0 the steps come in segments of that many, from the first: each full segment
// is a document of its own (xdmf_segment_document of its steps, in the file xdmf_segment_file
// names) that the main document includes with XInclude, and the steps after the
// last full segment are listed inline. So a history write rewrites at most per_segment steps and one
// line per segment, not every step of the run (a year of 6-hourly output: 1,460 steps, ~2 MB). ParaView's
// XDMF reader and VisIt resolve XInclude; a plain XML parser needs `xmllint --xinclude` first.
std::string xdmf_document(const std::string& component, int nx, int ny, const std::vector<XdmfStep>& steps,
                          const std::vector<XdmfField>& fields, std::size_t per_segment = 0);

// A segment: the document of `steps` (every one inline), without the DOCTYPE. ParaView opens it on its own too.
std::string xdmf_segment_document(const std::string& component, int nx, int ny, const std::vector<XdmfStep>& steps,
                                  const std::vector<XdmfField>& fields);

// "<component>_steps_<first step, 6 or more digits>.xdmf": the segment starting at `first_step`
// (file_policy.hpp's step file naming; list_step_files(dir, component + "_steps", ".xdmf") finds them).
std::string xdmf_segment_file(const std::string& component, long long first_step);

// Writes `text` to `path` through `path.tmp` and a rename. Throws core::Error.
void write_text_atomically(const std::string& path, const std::string& text);

// History files "<component>_<step>.h5" already in `dir` with step < `before` that hold every field
// (but those with a fixed_file) with the shape the document will state: what a restarted run's XDMF must list besides
// its own files. Files that do not qualify are left out. Local.
std::vector<XdmfStep> existing_history(const std::string& dir, const std::string& component, long long before,
                                       int nx, int ny, const std::vector<XdmfField>& fields);

}  // namespace meridian::io
