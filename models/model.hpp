#pragma once
// The safeguarding model: its modules, in the order they are declared and run
// within each phase. A new module is added here and nowhere else in the engine.
#include "sim/schedule/module.hpp"

namespace sgsim::models {

ModuleList make_modules();

}  // namespace sgsim::models
