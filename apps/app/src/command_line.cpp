#include "command_line.hpp"

#include <boost/program_options.hpp>
#include <fstream>
#include <sstream>

#include "meridian/core/error.hpp"
#include "meridian/core/input_file.hpp"
#include "meridian/core/mpi_handles.hpp"

namespace po = boost::program_options;

namespace meridian::app {

CommandLine parse_command_line(int argc, char** argv) {
  po::options_description desc;
  desc.add_options()("help,h", "")("check", "")("version", "")("config", po::value<std::string>());
  CommandLine cl;
  try {
    const po::parsed_options parsed =
        po::command_line_parser(argc, argv).options(desc).allow_unregistered().style(
            po::command_line_style::default_style & ~po::command_line_style::allow_guessing).run();
    po::variables_map vm;
    po::store(parsed, vm);
    cl.help = vm.count("help");
    cl.check = vm.count("check");
    cl.version = vm.count("version");
    if (vm.count("config")) cl.config_path = vm["config"].as<std::string>();
    for (const std::string& token : po::collect_unrecognized(parsed.options, po::include_positional)) {
      // Overrides are --section.key=value; "--section.key value" is accepted too.
      if (token.rfind("--", 0) == 0 && token.find('.') != std::string::npos) {
        if (token.find('=') != std::string::npos) cl.overrides.push_back(token);
        else cl.overrides.push_back(token + "=");
      } else if (!cl.overrides.empty() && cl.overrides.back().back() == '=') {
        cl.overrides.back() += token;
      } else {
        throw core::ConfigError(-1, "command line",
                                "unknown argument '" + core::printable(token) + "'; expected --config FILE, --check, --help or --section.key=value");
      }
    }
  } catch (const po::error& e) {
    throw core::ConfigError(-1, "command line", core::printable(e.what(), 200));
  }
  return cl;
}

std::string read_config_text(const std::string& path, const std::string& defaults, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string text, error;
  if (rank == 0) {
    try {
      if (path.empty()) {
        text = defaults;
      } else {
        core::require_readable_file(path, "config file");  // a FIFO would block open() forever
        std::ifstream in(path, std::ios::binary);
        std::ostringstream bytes;
        bytes << in.rdbuf();
        if (!in) error = "config file '" + core::printable(path) + "' cannot be read";
        text = bytes.str();
      }
    } catch (const core::ConfigError& e) {
      error = e.message();
    }
  }
  // Broadcast the error first so every rank throws the same message, then the bytes.
  for (std::string* s : {&error, &text}) {
    core::broadcast_string(*s, 0, comm);
    if (s == &error && !error.empty()) throw core::ConfigError(-1, "", error);
  }
  return text;
}

}  // namespace meridian::app
