#include "models/model.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/huge_pages.hpp"
#include "sim/storage/allocator.hpp"

int main(int argc, char** argv) {
  sgsim::start_again_with_huge_pages(argv);
  sgsim::keep_large_buffers_mapped();
  return sgsim::sgsim_main(argc, argv, sgsim::models::make_modules);
}
