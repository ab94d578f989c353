#pragma once
// The `sgsim` command line (DESIGN.md §6). The engine knows nothing about
// safeguarding: main.cpp hands it the model's module factory.
#include <string>
#include <vector>

#include "sim/schedule/module.hpp"

namespace sgsim {

// Exit statuses: 0 success, 1 run failure, 2 bad input (scenario, arguments,
// output already exists), 130 interrupted.
int sgsim_main(int argc, char** argv, const ModelFactory& factory);

// The scenario reference (docs/scenario-reference.md), generated from the registry.
std::string scenario_reference_markdown(const ModelFactory& factory);

}  // namespace sgsim
