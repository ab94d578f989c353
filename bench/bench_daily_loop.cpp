// The daily loop on the bundled scenarios: child-days per second and memory.
//
//   ./build/bench/sgsim_bench                       # all cases
//   ./build/bench/sgsim_bench --benchmark_filter=Local
//   ./build/bench/sgsim_bench --benchmark_filter=National   # England as 152 authorities
//
// Reported counters: child_days_per_s (simulated child-days per wall second for one
// replicate), bytes_per_child (agent columns at the end of the run, per child ever
// simulated) and peak_rss_MB (the process's high-water mark so far, from getrusage).
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <tbb/global_control.h>

#include "models/model.hpp"
#include "sim/run/runner.hpp"
#include "sim/cli/huge_pages.hpp"
#include "sim/storage/allocator.hpp"

using namespace sgsim;

namespace {

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

// days < 0: the scenario's own run length and burn-in.
void run_case(benchmark::State& state, const char* file, double scale, int64_t days) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<size_t>(state.range(0)));
  auto model = bind_model(models::make_modules);
  Scenario sc = load_scenario(std::string(SGSIM_SOURCE_DIR) + "/" + file, model->registry);
  if (days >= 0) {
    apply_override(sc, "run.days=" + std::to_string(days), model->registry);
    apply_override(sc, "run.burn_in_days=0", model->registry);
  }
  RunOptions opt;
  opt.scale = scale;
  double child_days = 0, bytes = 0, children = 0;
  for (auto _ : state) {
    Simulation sim(sc, models::make_modules, 0, opt);
    while (!sim.done()) sim.step();
    children = static_cast<double>(sim.world().children.rows());
    const ReplicateResult r = sim.finish();
    child_days += r.child_days;
    bytes = static_cast<double>(r.state_bytes);
  }
  state.counters["child_days_per_s"] = benchmark::Counter(child_days, benchmark::Counter::kIsRate);
  state.counters["bytes_per_child"] = bytes / children;
  state.counters["peak_rss_MB"] = peak_rss_mb();
}

// A national run (sim/run/national.hpp): one World per authority of the bundled
// table, through run_replicate as `sgsim run` does.
void run_national(benchmark::State& state, double scale, int64_t days) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<size_t>(state.range(0)));
  auto model = bind_model(models::make_modules);
  Scenario sc = load_scenario(std::string(SGSIM_SOURCE_DIR) + "/scenarios/england/national.yaml", model->registry);
  apply_override(sc, "run.days=" + std::to_string(days), model->registry);
  apply_override(sc, "run.burn_in_days=0", model->registry);
  RunOptions opt;
  opt.scale = scale;
  double child_days = 0;
  for (auto _ : state) child_days += run_replicate(sc, models::make_modules, 0, opt).child_days;
  state.counters["child_days_per_s"] = benchmark::Counter(child_days, benchmark::Counter::kIsRate);
  state.counters["peak_rss_MB"] = peak_rss_mb();
}

// The local baseline: about 150,000 children for five years, one replicate.
void Local5Years(benchmark::State& s) { run_case(s, "scenarios/local/metropolitan.yaml", 1.0, 1826); }
// The same as the scenario runs it: a three-year burn-in, then five years.
void LocalWithBurnIn(benchmark::State& s) { run_case(s, "scenarios/local/metropolitan.yaml", 1.0, -1); }
// England at 10% for ten years: the national path at a size CI can afford.
void England10pc10Years(benchmark::State& s) { run_case(s, "scenarios/england.yaml", 0.1, 3652); }
// England as its 152 authorities, at 1% and at 10%, for ten years.
void National1pc10Years(benchmark::State& s) { run_national(s, 0.01, 3652); }
void National10pc10Years(benchmark::State& s) { run_national(s, 0.1, 3652); }

}  // namespace

BENCHMARK(Local5Years)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(LocalWithBurnIn)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(England10pc10Years)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK(National1pc10Years)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK(National10pc10Years)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
int main(int argc, char** argv) {
  sgsim::start_again_with_huge_pages(argv);  // as the CLI does, so that time and peak memory are the CLI's
  sgsim::keep_large_buffers_mapped();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
