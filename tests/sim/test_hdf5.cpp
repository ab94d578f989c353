#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "sim/output/h5.hpp"
#include "sim/output/pending_file.hpp"

namespace fs = std::filesystem;
using sgsim::EventRecord;
using sgsim::H5Error;
using sgsim::H5File;
using sgsim::H5Group;

namespace {

// A fresh directory per test, removed afterwards, so tests never see each
// other's files or leftovers from an earlier run.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    for (;;) {
      path_ = fs::temp_directory_path() / ("sgsim-test-h5-" + std::to_string(::getpid()) + "-" +
                                           std::to_string(counter++) + "-" + std::to_string(rd()));
      if (fs::create_directory(path_)) break;
    }
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Compare bit patterns so that -0.0 vs 0.0 or any rounding would show.
void expect_bit_identical(const std::vector<double>& a, const std::vector<double>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(std::bit_cast<uint64_t>(a[i]), std::bit_cast<uint64_t>(b[i])) << "at " << i;
  }
}

std::vector<std::string> dir_entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

// ---------------------------------------------------------------------------
// Hdf5

TEST(Hdf5, MatrixRoundTripIsBitIdenticalAndChunkedCompressed) {
  TempDir dir;
  const size_t rows = 3;
  const size_t cols = 5000;  // more than one 4096-column chunk per row
  std::vector<double> m(rows * cols);
  for (size_t i = 0; i < m.size(); ++i) m[i] = std::sin(static_cast<double>(i)) * 1e3;
  m[0] = -1.5;
  m[1] = 1e308;
  m[2] = -1e-308;
  m[3] = std::numeric_limits<double>::denorm_min();
  m[4] = 9007199254740992.0;  // 2^53
  m[5] = -0.0;
  m[6] = 42.0;
  m[7] = std::numeric_limits<double>::max();
  m[8] = std::numeric_limits<double>::lowest();
  m[9] = std::numeric_limits<double>::min();
  {
    H5File f = H5File::create(dir.file("m.h5"));
    f.root().write_matrix("daily", rows, cols, m);
    f.close();
  }
  H5File f = H5File::open_read(dir.file("m.h5"));
  H5Group root = f.root();
  std::vector<size_t> dims;
  expect_bit_identical(root.read_doubles("daily", &dims), m);
  EXPECT_EQ(dims, (std::vector<size_t>{rows, cols}));

  EXPECT_TRUE(root.dataset_is_compressed("daily"));
  EXPECT_EQ(root.open_dataset("daily").chunk_dims(), (std::vector<size_t>{1, 4096}));

  // Independent of our own helper: ask HDF5 directly.
  hid_t ds = H5Dopen2(root.id(), "daily", H5P_DEFAULT);
  ASSERT_GE(ds, 0);
  hid_t dcpl = H5Dget_create_plist(ds);
  EXPECT_EQ(H5Pget_layout(dcpl), H5D_CHUNKED);
  unsigned flags = 0;
  size_t nelmts = 0;
  unsigned config = 0;
  EXPECT_GE(H5Pget_filter_by_id2(dcpl, H5Z_FILTER_DEFLATE, &flags, &nelmts, nullptr, 0, nullptr, &config), 0);
  nelmts = 0;  // in/out: capacity of the (absent) cd_values buffer
  EXPECT_GE(H5Pget_filter_by_id2(dcpl, H5Z_FILTER_SHUFFLE, &flags, &nelmts, nullptr, 0, nullptr, &config), 0);
  H5Pclose(dcpl);
  H5Dclose(ds);
}

// A matrix narrower than a chunk is chunked by row, its rows as wide as it is; one
// under 1 KiB is stored whole, without chunks or compression.
TEST(Hdf5, NarrowMatrixChunksByRow) {
  TempDir dir;
  H5File f = H5File::create(dir.file("m.h5"));
  std::vector<double> m = {1, 2, 3, 4, 5, 6};
  std::vector<double> wide(2 * 300);  // 4,800 bytes
  for (size_t i = 0; i < wide.size(); ++i) wide[i] = static_cast<double>(i);
  H5Group root = f.root();
  root.write_matrix("m", 2, 3, m);
  root.write_matrix("wide", 2, 300, wide);
  EXPECT_EQ(root.open_dataset("wide").chunk_dims(), (std::vector<size_t>{1, 300}));
  EXPECT_TRUE(root.dataset_is_compressed("wide"));
  EXPECT_EQ(root.read_doubles("wide"), wide);
  EXPECT_TRUE(root.open_dataset("m").chunk_dims().empty());
  EXPECT_FALSE(root.dataset_is_compressed("m"));
  std::vector<size_t> dims;
  EXPECT_EQ(root.read_doubles("m", &dims), m);
  EXPECT_EQ(dims, (std::vector<size_t>{2, 3}));
  EXPECT_THROW(root.write_matrix("bad", 2, 2, m), std::invalid_argument);
}

TEST(Hdf5, VectorsOfEachType) {
  TempDir dir;
  const std::vector<double> d = {-3.25, 0.0, 1e-300, 1e300, 123456789.0};
  const std::vector<int32_t> i32 = {std::numeric_limits<int32_t>::min(), -1, 0, 1,
                                    std::numeric_limits<int32_t>::max()};
  std::vector<int64_t> i64 = {std::numeric_limits<int64_t>::min(), -1, 0, std::numeric_limits<int64_t>::max()};
  std::vector<int64_t> big(100000);  // spans two 65536-element chunks
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<int64_t>(i * i);
  {
    H5File f = H5File::create(dir.file("v.h5"));
    H5Group root = f.root();
    root.write_vector("d", d);
    root.write_vector("i32", i32);
    root.write_vector("i64", i64);
    root.write_vector("big", big);
  }
  H5File f = H5File::open_read(dir.file("v.h5"));
  H5Group root = f.root();
  std::vector<size_t> dims;
  expect_bit_identical(root.read_doubles("d", &dims), d);
  EXPECT_EQ(dims, (std::vector<size_t>{d.size()}));
  EXPECT_EQ(root.read_int32s("i32", &dims), i32);
  EXPECT_EQ(dims, (std::vector<size_t>{i32.size()}));
  EXPECT_EQ(root.read_int64s("i64"), i64);
  EXPECT_EQ(root.read_int64s("big"), big);
  EXPECT_EQ(root.open_dataset("big").chunk_dims(), (std::vector<size_t>{65536}));
  EXPECT_TRUE(root.dataset_is_compressed("big"));
  // A few values are stored whole: deflate's set-up costs more than it saves.
  EXPECT_FALSE(root.dataset_is_compressed("d"));
  EXPECT_FALSE(root.dataset_is_compressed("i32"));

  // Widening is fine; anything that could lose values is refused.
  EXPECT_EQ(root.read_int64s("i32"), std::vector<int64_t>(i32.begin(), i32.end()));
  EXPECT_THROW(root.read_int32s("i64"), H5Error);
  EXPECT_THROW(root.read_int64s("d"), H5Error);
}

TEST(Hdf5, Strings) {
  TempDir dir;
  const std::vector<std::string> s = {"", "plain", "Café – £6,100", "日本語", std::string(5000, 'x')};
  {
    H5File f = H5File::create(dir.file("s.h5"));
    f.root().write_strings("names", s);
  }
  H5File f = H5File::open_read(dir.file("s.h5"));
  EXPECT_EQ(f.root().read_strings("names"), s);

  // Stored as variable-length UTF-8, so other tools decode them correctly.
  hid_t ds = H5Dopen2(f.id(), "/names", H5P_DEFAULT);
  hid_t type = H5Dget_type(ds);
  EXPECT_EQ(H5Tget_class(type), H5T_STRING);
  EXPECT_GT(H5Tis_variable_str(type), 0);
  EXPECT_EQ(H5Tget_cset(type), H5T_CSET_UTF8);
  H5Tclose(type);
  H5Dclose(ds);
}

TEST(Hdf5, AttributesOfEveryTypeOnGroupsAndDatasets) {
  TempDir dir;
  std::string big;
  for (int i = 0; big.size() < 100 * 1024; ++i) big += "line " + std::to_string(i) + ": Café – £6,100\n";
  {
    H5File f = H5File::create(dir.file("a.h5"));
    H5Group root = f.root();
    root.set_attr("scenario", big);
    root.set_attr("text", "Café – £6,100");
    root.set_attr("empty", std::string());
    root.set_attr("seed", int64_t{-1234567890123});
    root.set_attr("replicates", 200);  // plain int
    root.set_attr("agents", size_t{5});
    root.set_attr("rate", 0.1);
    root.set_attr("rate", 0.25);  // replacing an attribute
    root.set_attr("kind", "first");
    root.set_attr("kind", int64_t{7});  // replacing with a different type
    std::vector<double> v = {1, 2};
    sgsim::H5Dataset ds = root.write_vector("v", v);
    ds.set_attr("units", "children");
    ds.set_attr("scale", 2.5);
    EXPECT_THROW(root.set_attr("huge", std::numeric_limits<uint64_t>::max()), std::out_of_range);
  }
  H5File f = H5File::open_read(dir.file("a.h5"));
  H5Group root = f.root();
  EXPECT_EQ(root.attr_string("scenario"), big);
  EXPECT_EQ(root.attr_string("text"), "Café – £6,100");
  EXPECT_EQ(root.attr_string("empty"), "");
  EXPECT_EQ(root.attr_int("seed"), -1234567890123);
  EXPECT_EQ(root.attr_int("replicates"), 200);
  EXPECT_EQ(root.attr_int("agents"), 5);
  EXPECT_EQ(root.attr_double("rate"), 0.25);
  EXPECT_EQ(root.attr_int("kind"), 7);
  EXPECT_EQ(root.attr_double("replicates"), 200.0);  // integers read as doubles
  EXPECT_TRUE(root.has_attr("seed"));
  EXPECT_FALSE(root.has_attr("missing"));
  EXPECT_FALSE(root.has_attr("huge"));

  sgsim::H5Dataset ds = root.open_dataset("v");
  EXPECT_EQ(ds.attr_string("units"), "children");
  EXPECT_EQ(ds.attr_double("scale"), 2.5);

  // Wrong type or missing: an error naming the object and the attribute.
  EXPECT_THROW(root.attr_int("text"), H5Error);
  EXPECT_THROW(root.attr_string("seed"), H5Error);
  EXPECT_THROW(root.attr_int("rate"), H5Error);
  try {
    (void)ds.attr_string("missing");
    FAIL() << "expected H5Error";
  } catch (const H5Error& e) {
    EXPECT_NE(std::string(e.what()).find("/v"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos) << e.what();
  }
}

TEST(Hdf5, NestedGroupsListAndExists) {
  TempDir dir;
  H5File f = H5File::create(dir.file("g.h5"));
  H5Group root = f.root();
  H5Group c = root.require_group("a/b/c");
  EXPECT_EQ(c.path(), "/a/b/c");
  c.set_attr("x", 1);
  // Requiring again opens what is there rather than failing.
  EXPECT_EQ(root.require_group("a/b").path(), "/a/b");
  EXPECT_EQ(root.require_group("a/b/c").attr_int("x"), 1);
  root.require_group("a/b2");

  H5Group a = root.open_group("a");
  std::vector<double> v = {1.0};
  a.write_vector("values", v);
  a.create_group("zeta");

  EXPECT_EQ(root.list(), (std::vector<std::string>{"a"}));
  EXPECT_EQ(a.list(), (std::vector<std::string>{"b", "b2", "values", "zeta"}));
  EXPECT_TRUE(root.exists("a"));
  EXPECT_TRUE(root.exists("a/b/c"));
  EXPECT_TRUE(root.exists("a/values"));
  EXPECT_TRUE(a.exists("b/c"));
  EXPECT_FALSE(root.exists("b"));
  EXPECT_FALSE(root.exists("a/x/y"));
  EXPECT_FALSE(root.exists("a/values/x"));  // a dataset has no children
  EXPECT_FALSE(root.exists(""));

  EXPECT_THROW(root.create_group("a"), H5Error);
  EXPECT_THROW(root.open_group("nope"), H5Error);
  EXPECT_THROW(a.write_vector("values", v), H5Error);
  EXPECT_THROW(root.require_group("a/values/x"), H5Error);
}

TEST(Hdf5, EmptyDatasets) {
  TempDir dir;
  {
    H5File f = H5File::create(dir.file("e.h5"));
    H5Group root = f.root();
    root.write_matrix("m0", 0, 10, std::span<const double>());
    root.write_matrix("m1", 4, 0, std::span<const double>());
    root.write_vector("d", std::vector<double>{});
    root.write_vector("i32", std::vector<int32_t>{});
    root.write_vector("i64", std::vector<int64_t>{});
    root.write_strings("s", {});
    root.write_event_table("events", std::span<const EventRecord>());
  }
  H5File f = H5File::open_read(dir.file("e.h5"));
  H5Group root = f.root();
  std::vector<size_t> dims;
  EXPECT_TRUE(root.read_doubles("m0", &dims).empty());
  EXPECT_EQ(dims, (std::vector<size_t>{0, 10}));
  EXPECT_TRUE(root.read_doubles("m1", &dims).empty());
  EXPECT_EQ(dims, (std::vector<size_t>{4, 0}));
  EXPECT_TRUE(root.read_doubles("d", &dims).empty());
  EXPECT_EQ(dims, (std::vector<size_t>{0}));
  EXPECT_TRUE(root.read_int32s("i32").empty());
  EXPECT_TRUE(root.read_int64s("i64").empty());
  EXPECT_TRUE(root.read_strings("s").empty());
  EXPECT_TRUE(root.read_event_table("events").empty());
  EXPECT_FALSE(root.dataset_is_compressed("d"));
  EXPECT_TRUE(root.open_dataset("d").chunk_dims().empty());
}

TEST(Hdf5, EventTableRoundTrip) {
  TempDir dir;
  std::vector<EventRecord> events;
  for (int32_t i = 0; i < 70000; ++i) {  // more than one chunk
    events.push_back({i % 7, i / 3, static_cast<uint32_t>(4000000000u - static_cast<uint32_t>(i)),
                      static_cast<uint16_t>(i % 65536), static_cast<uint16_t>(65535 - i % 100), -i});
  }
  {
    H5File f = H5File::create(dir.file("ev.h5"));
    f.root().require_group("runs/base").write_event_table("events", events);
  }
  H5File f = H5File::open_read(dir.file("ev.h5"));
  H5Group g = f.root().open_group("runs/base");
  EXPECT_EQ(g.read_event_table("events"), events);
  EXPECT_TRUE(g.dataset_is_compressed("events"));

  // Member names are part of the file format that analysis scripts rely on.
  hid_t ds = H5Dopen2(g.id(), "events", H5P_DEFAULT);
  hid_t type = H5Dget_type(ds);
  ASSERT_EQ(H5Tget_class(type), H5T_COMPOUND);
  const std::vector<std::string> expected = {"replicate", "day", "child", "kind", "agency", "detail"};
  ASSERT_EQ(H5Tget_nmembers(type), static_cast<int>(expected.size()));
  for (unsigned i = 0; i < expected.size(); ++i) {
    char* name = H5Tget_member_name(type, i);
    EXPECT_EQ(std::string(name), expected[i]);
    H5free_memory(name);
  }
  H5Tclose(type);
  H5Dclose(ds);
}

TEST(Hdf5, CreateRefusesExistingFile) {
  TempDir dir;
  const std::string path = dir.file("x.h5");
  H5File::create(path).close();
  EXPECT_THROW(H5File::create(path), H5Error);
  write_text(dir.file("plain.txt"), "hello");
  EXPECT_THROW(H5File::create(dir.file("plain.txt")), H5Error);
  EXPECT_EQ(read_text(dir.file("plain.txt")), "hello");
}

TEST(Hdf5, OpeningNonHdf5FileNamesThePath) {
  TempDir dir;
  const std::string path = dir.file("not-hdf5.h5");
  write_text(path, "this is not an HDF5 file\n");
  for (auto open : {&H5File::open_read, &H5File::open_rw}) {
    try {
      open(path);
      FAIL() << "expected H5Error";
    } catch (const H5Error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  }
  try {
    H5File::open_read(dir.file("missing.h5"));
    FAIL() << "expected H5Error";
  } catch (const H5Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.h5"), std::string::npos) << e.what();
  }
}

TEST(Hdf5, CloseWithGroupsStillOpenAndOpenRwAppends) {
  TempDir dir;
  const std::string path = dir.file("c.h5");
  {
    H5File f = H5File::create(path);
    H5Group g = f.root().create_group("g");
    g.write_vector("v", std::vector<int32_t>{1, 2, 3});
    f.close();  // `g` is still open: the data must be written out anyway
    EXPECT_FALSE(f.is_open());
    EXPECT_THROW(f.root(), H5Error);
    EXPECT_THROW(f.flush(), H5Error);
    f.close();  // closing twice is harmless
  }
  {
    H5File f = H5File::open_rw(path);
    EXPECT_EQ(f.root().read_int32s("g/v"), (std::vector<int32_t>{1, 2, 3}));
    f.root().open_group("g").set_attr("added", "later");
    f.close();
  }
  H5File f = H5File::open_read(path);
  EXPECT_EQ(f.root().open_group("g").attr_string("added"), "later");
  EXPECT_THROW(f.root().create_group("h"), H5Error);  // read-only
}

// ---------------------------------------------------------------------------
// PendingFile

TEST(PendingFile, TempIsHiddenInSameDirectory) {
  TempDir dir;
  sgsim::PendingFile p(dir.file("out.h5"), false);
  EXPECT_EQ(p.final_path(), dir.file("out.h5"));
  EXPECT_NE(p.temp_path(), p.final_path());
  EXPECT_EQ(fs::path(p.temp_path()).parent_path(), dir.path());
  EXPECT_EQ(fs::path(p.temp_path()).filename().string(), ".out.h5.partial-" + std::to_string(::getpid()));
  EXPECT_FALSE(fs::exists(p.temp_path()));  // the caller creates it
}

TEST(PendingFile, RelativePathUsesCurrentDirectory) {
  sgsim::PendingFile p("relative-out.h5", false);
  EXPECT_EQ(fs::path(p.temp_path()).parent_path(), fs::path("."));
}

TEST(PendingFile, WithoutCommitTempIsRemovedAndFinalNeverAppears) {
  TempDir dir;
  const std::string final_path = dir.file("out.h5");
  {
    sgsim::PendingFile p(final_path, false);
    H5File f = H5File::create(p.temp_path());
    f.root().write_vector("v", std::vector<double>{1, 2, 3});
    f.close();
    EXPECT_TRUE(fs::exists(p.temp_path()));
    EXPECT_FALSE(fs::exists(final_path));
  }
  EXPECT_TRUE(dir_entries(dir.path()).empty());
}

TEST(PendingFile, RemovedWhenAnExceptionUnwinds) {
  TempDir dir;
  try {
    sgsim::PendingFile p(dir.file("out.h5"), false);
    write_text(p.temp_path(), "partial");
    throw std::runtime_error("simulation failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_TRUE(dir_entries(dir.path()).empty());
}

TEST(PendingFile, CommitRenames) {
  TempDir dir;
  const std::string final_path = dir.file("out.h5");
  {
    sgsim::PendingFile p(final_path, false);
    {
      H5File f = H5File::create(p.temp_path());
      f.root().set_attr("complete", int64_t{1});
      f.close();
    }
    p.commit();
    EXPECT_TRUE(p.committed());
    EXPECT_FALSE(fs::exists(p.temp_path()));
    EXPECT_THROW(p.commit(), std::logic_error);
  }
  EXPECT_EQ(dir_entries(dir.path()), (std::vector<std::string>{"out.h5"}));
  EXPECT_EQ(H5File::open_read(final_path).root().attr_int("complete"), 1);
}

TEST(PendingFile, ExistingFinalWithoutOverwriteIsUntouched) {
  TempDir dir;
  const std::string final_path = dir.file("out.h5");
  const std::string original = std::string("user's precious data\0\x01\x02", 24);
  write_text(final_path, original);
  try {
    sgsim::PendingFile p(final_path, false);
    FAIL() << "expected OutputExistsError";
  } catch (const sgsim::OutputExistsError& e) {
    EXPECT_EQ(std::string(e.what()), final_path + " already exists; use --force to overwrite");
  }
  EXPECT_EQ(read_text(final_path), original);
  EXPECT_EQ(dir_entries(dir.path()), (std::vector<std::string>{"out.h5"}));
}

TEST(PendingFile, FinalAppearingDuringRunIsNotClobbered) {
  TempDir dir;
  const std::string final_path = dir.file("out.h5");
  sgsim::PendingFile p(final_path, false);
  write_text(p.temp_path(), "new");
  write_text(final_path, "someone else's");
  EXPECT_THROW(p.commit(), sgsim::OutputExistsError);
  EXPECT_EQ(read_text(final_path), "someone else's");
}

TEST(PendingFile, OverwriteReplacesOnlyAtCommit) {
  TempDir dir;
  const std::string final_path = dir.file("out.h5");
  write_text(final_path, "old contents");
  sgsim::PendingFile p(final_path, true);
  {
    H5File f = H5File::create(p.temp_path());
    f.root().set_attr("new", "yes");
    f.close();
  }
  EXPECT_EQ(read_text(final_path), "old contents");
  p.commit();
  EXPECT_EQ(H5File::open_read(final_path).root().attr_string("new"), "yes");
  EXPECT_EQ(dir_entries(dir.path()), (std::vector<std::string>{"out.h5"}));
}

TEST(PendingFile, OverwriteWithoutCommitKeepsOldFile) {
  TempDir dir;
  const std::string final_path = dir.file("out.h5");
  write_text(final_path, "old contents");
  {
    sgsim::PendingFile p(final_path, true);
    write_text(p.temp_path(), "half-written");
  }
  EXPECT_EQ(read_text(final_path), "old contents");
  EXPECT_EQ(dir_entries(dir.path()), (std::vector<std::string>{"out.h5"}));
}

TEST(PendingFile, MissingDirectoryFailsBeforeCreatingAnything) {
  TempDir dir;
  const fs::path missing = dir.path() / "no-such-dir";
  try {
    sgsim::PendingFile p((missing / "out.h5").string(), false);
    FAIL() << "expected an error";
  } catch (const sgsim::OutputExistsError&) {
    FAIL() << "wrong error type";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(missing.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(missing));
  EXPECT_TRUE(dir_entries(dir.path()).empty());
}

TEST(PendingFile, UnwritableDirectoryFailsUpFront) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can write anywhere";
  TempDir dir;
  const fs::path ro = dir.path() / "ro";
  fs::create_directory(ro);
  fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_THROW(sgsim::PendingFile((ro / "out.h5").string(), false), std::runtime_error);
  fs::permissions(ro, fs::perms::owner_all);
}

TEST(PendingFile, StaleTempFromDeadProcessWithSamePidIsReplaced) {
  TempDir dir;
  const std::string stale = dir.file(".out.h5.partial-" + std::to_string(::getpid()));
  write_text(stale, "left by a killed run");
  sgsim::PendingFile p(dir.file("out.h5"), false);
  EXPECT_FALSE(fs::exists(stale));
  H5File::create(p.temp_path()).close();  // exclusive create now succeeds
}
