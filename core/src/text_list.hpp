#pragma once
// "a,b,c" lists for log lines and messages.

#include <string>
#include <string_view>

namespace meridian::core {

// Appends `item` to `list`, after `separator` unless `list` is empty. (The one-line form
// `list += (list.empty() ? "" : ",") + item` makes GCC 12 warn -Wrestrict, falsely, inside
// operator+(const char*, std::string&&).)
inline void append_item(std::string& list, std::string_view item, std::string_view separator = ",") {
  if (!list.empty()) list += separator;
  list += item;
}

}  // namespace meridian::core
