#pragma once
// Command line of meridian-bench: `meridian-bench <halo|stencil|stream|io|coupled|setup> [--key value ...] [--json]`.
// Every rank parses the same argv, so a bad option fails on every rank alike (ConfigError).

#include <string>

namespace meridian::bench {

struct Options {
  std::string command;  // halo, stencil, stream, io, coupled or setup
  int nx = 4096;        // global cells along x (coupled: 144; 0 = the config file's; setup: per rank, 32)
  int ny = 0;           // global cells along y; 0 = same as nx (coupled: nx / 2; 0 = the config file's)
  int width = 2;        // halo width (halo; io: the halo the written fields carry, as the atmosphere's)
  int fields = 4;       // fields per exchange (halo) or per file (io)
  int px = 0, py = 0;   // process grid (halo, io, coupled); 0 = automatic (coupled: the config's)
  int steps = 50;       // time steps per repeat (stencil; coupled: base steps, 96; 0 = the config's)
  int repeats = 0;      // timed repeats; 0 = the command's default
  double stream_mib = 64.0;  // MiB per STREAM array per rank
  std::string dir = ".";     // io, coupled: parent of the scratch folder (created, then removed)
  std::string config;        // coupled: an INI file like the model's (default: configs/default.ini)
  std::string layout = "sequential";  // coupled: sequential, concurrent, or both (same ranks, compared); setup: one of the first two
  bool json = false;    // one JSON object per line instead of a table
  bool help = false;    // --help or -h anywhere: print usage() and run nothing
};

// Throws core::ConfigError (rank -1) on an unknown command or option, or a bad value; `--help`
// or `-h` anywhere wins over every other argument (Options::help).
Options parse_options(int argc, char** argv);

// The usage text printed for --help and on errors.
const char* usage();

}  // namespace meridian::bench
