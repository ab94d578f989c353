// The engine's storage, agenda and scheduler, exercised with small toy modules
// (the engine knows nothing about safeguarding, so neither do these tests).
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <sstream>

#include "sim/schedule/scheduler.hpp"

using namespace sgsim;

TEST(Columns, RowsGrowTogetherAndIdsAreStable) {
  ColumnTable t("things");
  auto a = t.add<int32_t>("a", "", "", 7);
  const AgentId first = t.add_rows(3);
  auto b = t.add<float>("b", "", "", 1.5f);  // a column added later starts at its initial value
  EXPECT_EQ(first, 0u);
  EXPECT_EQ(t[a].size(), 3u);
  EXPECT_EQ(t[b][2], 1.5f);
  t[a][1] = 42;
  t.deactivate(1);
  t.deactivate(1);  // idempotent
  EXPECT_EQ(t.active_count(), 2u);
  EXPECT_EQ(t.add_rows(2), 3u);  // ids are never reused
  EXPECT_EQ(t[a][1], 42);
  EXPECT_EQ(t[a][4], 7);
  EXPECT_EQ(t.arrivals().size(), 5u);
  EXPECT_EQ(t.departures(), std::vector<AgentId>{1});
  t.begin_day();
  EXPECT_TRUE(t.arrivals().empty());
  EXPECT_TRUE(t.departures().empty());
}

// Rows hold every column side by side (columns.hpp): columns of every width keep
// their own values through a column declared after rows exist (which moves every
// row to a new layout), growth past the room reserved, and a reservation, and so
// does which rows are present; a reference to a column taken before the table
// grew still reads it.
TEST(Columns, EveryColumnKeepsItsValuesWhenTheRowLayoutOrTheRoomChanges) {
  ColumnTable t("things");
  auto u8 = t.add<uint8_t>("u8", "", "", 3);
  auto f64 = t.add<double>("f64", "", "", -1.0);
  auto& held = t[f64];
  t.add_rows(10);
  for (AgentId i = 0; i < 10; ++i) {
    t[u8][i] = static_cast<uint8_t>(i);
    t[f64][i] = i * 0.5;
  }
  t.deactivate(3);  // the present flag is part of the row, and moves with it
  auto u16 = t.add<uint16_t>("u16", "", "", 65535);
  auto i32 = t.add<int32_t>("i32", "", "", -9);
  for (AgentId i = 0; i < 10; ++i) {
    ASSERT_EQ(t[u8][i], i) << i;
    ASSERT_EQ(t[f64][i], i * 0.5) << i;
    ASSERT_EQ(t[u16][i], 65535) << i;
    ASSERT_EQ(t[i32][i], -9) << i;
    t[i32][i] = -static_cast<int32_t>(i);
  }
  for (int k = 0; k < 50; ++k) t.add_rows(7);  // several growths by a quarter
  t.reserve(10000);
  EXPECT_EQ(t.rows(), 360u);
  EXPECT_EQ(held.size(), 360u);
  EXPECT_EQ(t.active_count(), 359u);
  for (AgentId i = 0; i < 360; ++i) {
    ASSERT_EQ(t.active(i), i != 3) << i;
    ASSERT_EQ(t[u8][i], i < 10 ? i : 3) << i;
    ASSERT_EQ(held[i], i < 10 ? i * 0.5 : -1.0) << i;
    ASSERT_EQ(t[u16][i], 65535) << i;
    ASSERT_EQ(t[i32][i], i < 10 ? -static_cast<int32_t>(i) : -9) << i;
  }
}

TEST(Columns, IndexSetInsertEraseContains) {
  IndexSet s;
  for (AgentId i : {5u, 1u, 9u, 1u}) s.insert(i);
  EXPECT_EQ(s.size(), 3u);
  s.erase(5);
  s.erase(5);
  EXPECT_FALSE(s.contains(5));
  EXPECT_TRUE(s.contains(9));
  EXPECT_TRUE(s.contains(1));
  EXPECT_FALSE(s.contains(1000));
  EXPECT_EQ(s.size(), 2u);
}

// A sparse set keeps its members in the same order as the dense one under any
// sequence of inserts and erases (so switching a module's set between them
// cannot change a run), and a checkpoint of it reads back the same set.
TEST(Columns, SparseIndexSetKeepsIndexSetsOrderAndSurvivesACheckpoint) {
  IndexSet dense;
  SparseIndexSet sparse;
  uint64_t x = 12345;
  for (int step = 0; step < 20000; ++step) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;  // a fixed LCG: the same steps every run
    const auto id = static_cast<AgentId>((x >> 33) % 3000);
    if ((x >> 20) % 3 == 0) {
      dense.erase(id);
      sparse.erase(id);
    } else {
      dense.insert(id);
      sparse.insert(id);
    }
    ASSERT_EQ(sparse.contains(id), dense.contains(id)) << "step " << step;
  }
  ASSERT_EQ(sparse.ids(), dense.ids());
  ASSERT_GT(sparse.size(), 500u);
  std::stringstream buf;
  {
    StateOut out(buf);
    out(sparse);
  }
  SparseIndexSet back;
  StateIn in(buf);
  in(back);
  EXPECT_EQ(back.ids(), sparse.ids());
  for (AgentId id = 0; id < 3000; ++id) ASSERT_EQ(back.contains(id), sparse.contains(id)) << id;
  back.erase(back.ids().front());  // positions were rebuilt: erasing still moves the last into place
  EXPECT_EQ(back.size(), sparse.size() - 1);
  EXPECT_EQ(back.ids().front(), sparse.ids().back());
}

// Side rows read as the column's initial value until first written, give each
// agent its own row once (a second write finds it again), leave agents never
// written without one, and read back from a checkpoint of the two tables.
TEST(Columns, SideRowsAreAddedOnFirstWriteOnlyAndReadInitialUntilThen) {
  ColumnTable owner("children"), side("records");
  SideRows rows;
  rows.index = owner.add<uint32_t>("record", "id", "row of records", SideRows::kNone);
  const auto day = side.add<int32_t>("day", "simulated day", "a day", -7);
  const auto flag = side.add<uint8_t>("flag", "flag", "a flag");
  owner.add_rows(1000);
  for (AgentId id = 0; id < 1000; ++id) ASSERT_EQ(rows.get(owner, side, day, id), -7) << id;
  for (AgentId id = 0; id < 1000; id += 10) {
    rows.at(owner, side, day, id) = static_cast<int32_t>(id);
    rows.at(owner, side, flag, id) = 1;  // the same agent: the same row
  }
  EXPECT_EQ(side.rows(), 100u);
  for (AgentId id = 0; id < 1000; ++id) {
    ASSERT_EQ(owner[rows.index][id] != SideRows::kNone, id % 10 == 0) << id;
    ASSERT_EQ(rows.get(owner, side, day, id), id % 10 == 0 ? static_cast<int32_t>(id) : -7) << id;
    ASSERT_EQ(rows.get(owner, side, flag, id), id % 10 == 0 ? 1 : 0) << id;
  }
  std::stringstream buf;
  {
    StateOut out(buf);
    owner.save(out);
    side.save(out);
  }
  ColumnTable owner2("children"), side2("records");
  owner2.add<uint32_t>("record", "id", "row of records", SideRows::kNone);
  side2.add<int32_t>("day", "simulated day", "a day", -7);
  side2.add<uint8_t>("flag", "flag", "a flag");
  StateIn in(buf);
  owner2.load(in);
  side2.load(in);
  for (AgentId id = 0; id < 1000; ++id) ASSERT_EQ(rows.get(owner2, side2, day, id), rows.get(owner, side, day, id)) << id;
}

TEST(Agenda, FilesByDayAndKindAndDropsBeyondTheHorizon) {
  Agenda ag;
  auto k1 = ag.add_kind("one");
  auto k2 = ag.add_kind("two");
  ag.set_horizon(10);
  ag.file(3, k1, 7);
  ag.file(3, k2, 8);
  ag.file(3, k1, 9);
  ag.file(10, k1, 1);  // past the last day
  ag.file(3, k2, 8, 42);  // the same agent with a payload is a separate entry
  EXPECT_EQ(ag.due(3, k1), (std::vector<AgendaEntry>{{7, 0}, {9, 0}}));
  EXPECT_EQ(ag.due(3, k2), (std::vector<AgendaEntry>{{8, 0}, {8, 42}}));
  EXPECT_TRUE(ag.due(4, k1).empty());
  EXPECT_EQ(ag.beyond_horizon(), 1u);
  ag.release(3);
  EXPECT_TRUE(ag.due(3, k1).empty());
}

// Entries filed far ahead wait in their block's list and are sorted into days when
// the block's first day opens; a day's entries must still come in filing order,
// whether filed far ahead, after its block was sorted, or on the day itself, and a
// checkpoint taken at any day (its blocks sorted or not) must give the same days.
TEST(Agenda, FarAndNearEntriesComeInFilingOrderAcrossBlocksAndCheckpoints) {
  constexpr int32_t kDays = 700;  // several blocks, the last one short
  const auto make = [] {
    Agenda ag;
    ag.add_kind("a");
    ag.add_kind("b");
    ag.set_horizon(kDays);
    return ag;
  };
  const AgendaKind ka{0}, kb{1};
  // Every day files a few entries: some far ahead, some within a few days, one for
  // today; the payload numbers them so order can be checked.
  uint32_t serial = 0;
  const auto file_day = [&](Agenda& ag, int32_t today) {
    for (int32_t k = 0; k < 5; ++k) {
      const int32_t ahead = (today * 37 + k * 101) % 400 + (k == 4 ? 0 : 1);
      ag.file(today + ahead, k % 2 ? kb : ka, static_cast<AgentId>(today), serial++);
    }
  };
  // Before the first day (as a model's initialisation files): one entry every
  // third day, of the first kind, numbered from a million.
  const auto file_setup = [&](Agenda& ag) {
    for (int32_t day = 0; day < kDays; day += 3) ag.file(day, ka, 9999, 1000000u + static_cast<uint32_t>(day));
  };
  // The reference: every day's entries by kind in filing order.
  std::vector<std::array<std::vector<AgendaEntry>, 2>> expected(kDays);
  for (int32_t day = 0; day < kDays; day += 3) expected[day][0].push_back({9999, 1000000u + static_cast<uint32_t>(day)});
  {
    uint32_t s = 0;
    for (int32_t today = 0; today < kDays; ++today)
      for (int32_t k = 0; k < 5; ++k) {
        const int32_t ahead = (today * 37 + k * 101) % 400 + (k == 4 ? 0 : 1);
        if (today + ahead < kDays) expected[today + ahead][k % 2].push_back({static_cast<AgentId>(today), s});
        ++s;
      }
  }
  for (int32_t stop : {0, 1, 127, 128, 129, 300, 699}) {
    serial = 0;
    Agenda ag = make();
    file_setup(ag);
    std::vector<std::array<std::vector<AgendaEntry>, 2>> got(kDays);
    const auto run_day = [&](Agenda& a, int32_t today) {
      a.due(today, ka);  // opens the day: what is filed for today now goes straight to it
      file_day(a, today);
      got[today][0] = a.due(today, ka);
      got[today][1] = a.due(today, kb);
      a.release(today);
    };
    for (int32_t today = 0; today < stop; ++today) run_day(ag, today);
    std::stringstream buf;
    {
      StateOut out(buf);
      ag.save(out, stop);
    }
    Agenda back = make();
    StateIn in(buf);
    back.load(in, stop);
    EXPECT_EQ(back.pending(), ag.pending()) << "stopped at day " << stop;
    for (int32_t today = stop; today < kDays; ++today) run_day(back, today);
    for (int32_t day = 0; day < kDays; ++day)
      for (size_t k = 0; k < 2; ++k) ASSERT_EQ(got[day][k], expected[day][k]) << "day " << day << ", stopped at " << stop;
  }
}

namespace {

// Records the order in which its work runs; registers phases out of order on purpose.
struct OrderModule : Module {
  std::vector<std::string>* log;
  explicit OrderModule(std::vector<std::string>* l) : log(l) {}
  std::string_view name() const override { return "order"; }
  std::string_view summary() const override { return "test"; }
  void declare_parameters(ParamDeclarer&) override {}
  void declare_state(World&) override {}
  void initialise(World&) override {}
  void save(StateOut&) const override {}  // no state of its own
  void load(StateIn&) override {}
  void plan_day(DayPlan& p) override {
    for (Phase ph : {Phase::accounting, Phase::children, Phase::arrivals, Phase::agencies, Phase::households})
      p.serial(ph, std::string(to_string(ph)), [this, ph](World&) { log->push_back(std::string(to_string(ph))); });
  }
};

// Every child "ticks" on a random day; each tick emits an event, counts a metric and
// files the next tick. Ids are filed twice on purpose to check they are handled once.
struct TickModule : Module {
  AgendaKind due;
  EventKind tick;
  MetricId ticks, stock;
  std::string_view name() const override { return "tick"; }
  std::string_view summary() const override { return "test"; }
  void declare_parameters(ParamDeclarer&) override {}
  void save(StateOut&) const override {}  // everything is in the World
  void load(StateIn&) override {}
  void declare_state(World& w) override {
    due = w.agenda.add_kind("tick");
    tick = w.event_types.add_kind("tick", "test");
    ticks = w.metrics.add("ticks", "events", "", MetricKind::flow);
    stock = w.metrics.add("children", "children", "", MetricKind::stock);
  }
  void initialise(World& w) override {
    w.children.add_rows(5000);
    for (AgentId c = 0; c < 5000; ++c) {
      const auto day = static_cast<int32_t>(w.draws(stream_id("tick"), c).below(5));
      w.agenda.file(day, due, c);
      w.agenda.file(day, due, c);
    }
  }
  void plan_day(DayPlan& p) override {
    p.children_due(Phase::children, "tick", due, [this](World& w, std::span<const AgendaEntry> ids, Emitter& out) {
      for (AgentId c : ids) {
        Draws d = w.draws(stream_id("tick"), c);
        out.event(c, tick, AgencyId{}, static_cast<int32_t>(d.below(1000)));
        out.count(ticks);
        out.file(w.today + static_cast<int32_t>(d.days_until(0.3)), due, c);
      }
    });
    p.serial(Phase::accounting, "stock", [this](World& w) { w.metrics.set(stock, static_cast<double>(w.children.active_count())); });
  }
};

struct Outcome {
  std::vector<Event> events;
  std::vector<double> ticks, stock;
};

Outcome run_ticks(int threads, int days) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<size_t>(threads));
  Calendar cal(make_date(2024, 4, 1), days, HolidayRule::none);
  World w(cal, RandomStreams(1, 0), 1.0, true);
  ModuleList mods;
  mods.push_back(std::make_unique<TickModule>());
  for (auto& m : mods) m->declare_state(w);
  w.agenda.set_horizon(days);
  w.metrics.set_days(days);
  for (auto& m : mods) m->initialise(w);
  Scheduler s(mods, w);
  for (int d = 0; d < days; ++d) s.run_day(d);
  return {w.event_log, w.metrics.series(0), w.metrics.series(1)};
}

}  // namespace

TEST(Scheduler, PhasesRunInTheDocumentedOrder) {
  std::vector<std::string> log;
  Calendar cal(make_date(2024, 4, 1), 1, HolidayRule::none);
  World w(cal, RandomStreams(1, 0), 1.0, false);
  ModuleList mods;
  mods.push_back(std::make_unique<OrderModule>(&log));
  w.agenda.set_horizon(1);
  w.metrics.set_days(1);
  Scheduler s(mods, w);
  s.run_day(0);
  EXPECT_EQ(log, (std::vector<std::string>{"arrivals", "households", "children", "agencies", "accounting"}));
}

TEST(Scheduler, ParallelWorkIsMergedTheSameOnAnyThreadCount) {
  const Outcome one = run_ticks(1, 30), two = run_ticks(2, 30), four = run_ticks(4, 30);
  ASSERT_GT(one.events.size(), 20000u);  // enough chunks (of 512) to run in parallel
  auto same = [](const Outcome& a, const Outcome& b) {
    if (a.events.size() != b.events.size() || a.ticks != b.ticks) return false;
    for (size_t i = 0; i < a.events.size(); ++i)
      if (a.events[i].child != b.events[i].child || a.events[i].detail != b.events[i].detail ||
          a.events[i].day != b.events[i].day)
        return false;
    return true;
  };
  EXPECT_TRUE(same(one, two));
  EXPECT_TRUE(same(one, four));
}

TEST(Scheduler, DuplicateFilingsAreHandledOnceAndFlowsResetDaily) {
  const Outcome o = run_ticks(2, 5);
  // Day 0..4 initial ticks: each child is filed twice on one day but ticks once.
  double initial = 0;
  std::vector<int> per_child(5000, 0);
  for (const Event& e : o.events)
    if (e.day < 5) ++per_child[e.child];
  for (int n : per_child) initial += n >= 1;
  EXPECT_EQ(initial, 5000);
  double total = 0;
  for (double t : o.ticks) total += t;
  EXPECT_EQ(total, static_cast<double>(o.events.size()));  // a flow: per day, summing to the events
  for (double s : o.stock) EXPECT_EQ(s, 5000);             // a stock: read each day
  // Events within a day come in id order (the due list is sorted), so the log is reproducible.
  for (size_t i = 1; i < o.events.size(); ++i)
    if (o.events[i].day == o.events[i - 1].day) {
      EXPECT_LT(o.events[i - 1].child, o.events[i].child);
    }
}
