#pragma once
// Command line of meridian-bench: `meridian-bench <halo|stencil|stream> [--key value ...] [--json]`.
// Every rank parses the same argv, so a bad option fails on every rank alike (ConfigError).

#include <string>

namespace meridian::bench {

struct Options {
  std::string command;  // halo, stencil or stream
  int nx = 4096;        // global cells along x
  int ny = 0;           // global cells along y; 0 = same as nx
  int width = 2;        // halo width (halo only)
  int fields = 4;       // fields per exchange (halo only)
  int px = 0, py = 0;   // process grid (halo only); 0 = automatic
  int steps = 50;       // time steps per repeat (stencil only)
  int repeats = 0;      // timed repeats; 0 = the command's default
  double stream_mib = 64.0;  // MiB per STREAM array per rank
  bool json = false;    // one JSON object per line instead of a table
};

// Throws core::ConfigError (rank -1) on an unknown command or option, or a bad value.
Options parse_options(int argc, char** argv);

// The usage text printed for --help and on errors.
const char* usage();

}  // namespace meridian::bench
