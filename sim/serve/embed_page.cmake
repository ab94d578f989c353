# Writes sim/serve/page.html into a C++ source as one raw string literal, so that
# `sgsim serve` is a single program with nothing to find at run time, while the
# page stays an ordinary HTML file to read and edit.
#   cmake -DIN=page.html -DOUT=serve_page.cpp -P embed_page.cmake
file(READ "${IN}" page)
set(delim "sgsim_page")
string(FIND "${page}" ")${delim}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string end )${delim}\" and cannot be embedded as it is")
endif()
file(WRITE "${OUT}.partial"
  "// Generated from sim/serve/page.html by sim/serve/embed_page.cmake: edit the page, not this file.\n"
  "#include \"sim/cli/serve_command.hpp\"\n\n"
  "namespace sgsim {\n"
  "const char* const kServePage = R\"${delim}(${page})${delim}\";\n"
  "}  // namespace sgsim\n")
file(RENAME "${OUT}.partial" "${OUT}")
