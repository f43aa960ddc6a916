#pragma once
// What a meridian program's command line asks for, and the config text it names (read on rank 0 and
// broadcast, so a thousand ranks never open the same file at once).
#include <mpi.h>

#include <string>
#include <vector>

namespace meridian::app {

struct CommandLine {
  bool help = false;
  bool check = false;
  bool version = false;
  std::string config_path;             // "" = the embedded default configuration
  std::vector<std::string> overrides;  // "--section.key=value"
};

// Throws core::ConfigError for an argument it does not understand.
CommandLine parse_command_line(int argc, char** argv);

// Collective: rank 0 reads `path` (or takes `defaults`, the program's built-in configuration, when
// empty) and broadcasts the bytes; every rank throws the same ConfigError if it cannot be read.
std::string read_config_text(const std::string& path, const std::string& defaults, MPI_Comm comm);

}  // namespace meridian::app
