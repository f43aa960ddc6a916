// The config parser and validator on their own (docs/reliability.md, "Text that is not what it
// seems"): pure text processing, the same on every rank.
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <string>

#include "meridian/core/config.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/fnv1a.hpp"

using namespace meridian::core;

namespace {

OptionRegistry registry() {
  OptionRegistry r;
  r.add_integer("grid.nx", 72, "cells", "longitudes").range(2, 1e7);
  r.add_choice("grid.mask", "continents", {"continents", "file"}, "surface");
  r.add_text("grid.mask_file", "", "mask file").applies_only_with("grid.mask", "file");
  r.add_text("output.dir", "output", "folder");
  return r;
}

std::string error_of(const std::string& ini, const std::vector<std::string>& overrides = {}) {
  try {
    (void)Config::resolve(registry(), ini, "run.ini", overrides);
  } catch (const ConfigError& e) {
    return (e.context().empty() ? "" : e.context() + ": ") + e.message();
  }
  return "";
}

}  // namespace

TEST_CASE("a key set twice in one file names both lines", "[config]") {
  CHECK(error_of("[grid]\nnx = 24\n\n[grid]\nnx = 36\n") == "run.ini: grid.nx is set twice, on lines 2 and 5; keep one");
  // The command line may still override a file value, and a later override wins.
  const Config c = Config::resolve(registry(), "[grid]\nnx = 24\n", "run.ini", {"--grid.nx=30", "--grid.nx=40"});
  CHECK(c.integer("grid.nx") == 40);
}

TEST_CASE("a byte-order mark and CRLF are accepted; syntax errors name the line", "[config]") {
  const Config c = Config::resolve(registry(), "\xEF\xBB\xBF[grid]\r\nnx = 24\r\n", "run.ini");
  CHECK(c.integer("grid.nx") == 24);
  CHECK(error_of("[grid]\n# comment\nnx 24\n") ==
        "run.ini line 3: syntax error: 'nx 24' is not an option (expected 'key = value' lines under [section] headers)");
  CHECK(error_of("[grid\nnx = 2\n").rfind("run.ini line 1: syntax error: '[grid' is not a [section] header", 0) == 0);
}

TEST_CASE("echoed values are escaped and cut", "[config]") {
  CHECK(printable("a\nb\x1b[31m\t\x7f") == "a\\nb\\x1b[31m\\t\\x7f");
  CHECK(printable("caf\xC3\xA9 \xC2\x85") == "caf\xC3\xA9 \\u0085");
  CHECK(printable(std::string(1000, 'a'), 10) == "aaaaaaaaaa... (1000 bytes)");
  CHECK(printable("\xC3\xA9\xC3\xA9", 3) == "\xC3\xA9... (4 bytes)");  // never half a character
  CHECK(error_of("[grid]\nmask = x\x1b]0;t\x07\n") ==
        "run.ini line 2: grid.mask = 'x\\x1b]0;t\\x07' is not allowed; expected one of continents, file");
  CHECK(error_of("", {"--output.dir=a\x01" "b"}) ==
        "command line: output.dir = 'a\\x01b' is not allowed; expected a single line of text");
}

TEST_CASE("an option that applies only with another is refused otherwise", "[config]") {
  CHECK(error_of("[grid]\nmask_file = m.txt\n") ==
        "run.ini line 2: grid.mask_file = 'm.txt' applies only with grid.mask = file, but grid.mask = continents; "
        "set grid.mask = file or leave grid.mask_file at its default (empty)");
  CHECK(error_of("[grid]\nmask = file\nmask_file = m.txt\n").empty());
  CHECK(error_of("[grid]\nmask = file\nmask_file = m.txt\n", {"--grid.mask=continents"}).find("applies only with") !=
        std::string::npos);
}

TEST_CASE("defaults can come from an INI text, so an empty file resolves to it", "[config]") {
  OptionRegistry r = registry();
  r.set_defaults_from("[grid]\nnx = 24\n", "default.ini");
  CHECK(r.find("grid.nx")->default_value == "24");
  CHECK(Config::resolve(r, "", "empty.ini").integer("grid.nx") == 24);
  CHECK_THROWS_AS(r.set_defaults_from("[grid]\nnx = 1\n", "default.ini"), ConfigError);
}

TEST_CASE("Config::digest is the FNV-1a of the options that count, in key order", "[fnv1a][config]") {
  const Config config = Config::resolve(registry(), "[grid]\nnx = 24\n[output]\ndir = out\n", "run.ini");
  const auto only_nx = [](const std::string& key) { return key == "grid.nx"; };
  const auto hex = [](std::uint64_t h) {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
    return std::string(text);
  };
  CHECK(config.digest(only_nx) == hex(fnv1a("grid.nx=24;")));
  const auto nx_and_dir = [](const std::string& key) { return key == "grid.nx" || key == "output.dir"; };
  CHECK(config.digest(nx_and_dir) == hex(fnv1a("output.dir=out;", fnv1a("grid.nx=24;"))));
  CHECK(config.digest() != config.digest(only_nx));
}
