#include "models/model.hpp"
#include "sim/cli/commands.hpp"

int main(int argc, char** argv) { return sgsim::sgsim_main(argc, argv, sgsim::models::make_modules); }
