#include "sim/output/h5.hpp"

#include <algorithm>
#include <cstddef>
#include <type_traits>

namespace sgsim {
namespace h5 {

herr_t close_object(hid_t id) {
  switch (H5Iget_type(id)) {
    case H5I_GROUP:
      return H5Gclose(id);
    case H5I_DATASET:
      return H5Dclose(id);
    default:
      return H5Oclose(id);
  }
}

}  // namespace h5

namespace {

using h5::AttrHandle;
using h5::FileHandle;
using h5::ObjectHandle;
using h5::PlistHandle;
using h5::SpaceHandle;
using h5::TypeHandle;

// One replicate's daily series per chunk, so reading a replicate touches one
// chunk; capped so that very long runs do not make huge chunks.
constexpr hsize_t kMatrixChunkCols = 4096;
constexpr hsize_t kVectorChunk = 65536;
// 20-byte records: keeps a chunk (640 KiB) under HDF5's default 1 MiB chunk
// cache, so sequential readers do not decompress a chunk more than once.
constexpr hsize_t kEventChunk = 32768;
constexpr unsigned kDeflateLevel = 4;
// Below this a dataset is stored whole, without chunks or filters: a run file holds
// about a thousand one-value summaries and short series, and setting up deflate
// for each cost more (in time and in bytes) than it saved.
constexpr hsize_t kCompressFromBytes = 1024;

// HDF5 prints its error stack to stderr by default; we report through
// exceptions instead, so turn that off once before the first real call.
void quiet_hdf5_errors() {
  static const bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

// HDF5's innermost error description (e.g. "file signature not found"): the
// outer frames only repeat "unable to open file" in different words.
std::string take_hdf5_reason() {
  std::string reason;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned n, const H5E_error2_t* err, void* out) -> herr_t {
        if (n == 0 && err->desc != nullptr) *static_cast<std::string*>(out) = err->desc;
        return 0;
      },
      &reason);
  H5Eclear2(H5E_DEFAULT);
  return reason;
}

// `object` is an absolute path inside the file (quoted here) or an already
// worded description such as attr_where() makes.
std::string describe(const std::string& file, const std::string& object) {
  if (object.empty()) return "'" + file + "'";
  const std::string what = object.front() == '/' ? "'" + object + "'" : object;
  return what + " in '" + file + "'";
}

std::string attr_where(const std::string& object, const std::string& name) {
  return "attribute '" + name + "' of '" + object + "'";
}

[[noreturn]] void fail(std::string_view op, const std::string& file, const std::string& object) {
  std::string msg = "HDF5: cannot " + std::string(op) + " " + describe(file, object);
  std::string reason = take_hdf5_reason();
  if (!reason.empty()) msg += ": " + reason;
  throw H5Error(msg);
}

[[noreturn]] void fail_plain(const std::string& what, const std::string& file, const std::string& object) {
  throw H5Error("HDF5: " + describe(file, object) + " " + what);
}

// Negative return values are HDF5's failure signal for hid_t, herr_t and htri_t alike.
template <class R>
R check(R result, std::string_view op, const std::string& file, const std::string& object) {
  if (result < 0) fail(op, file, object);
  return result;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

TypeHandle utf8_string_type(const std::string& file, const std::string& object) {
  TypeHandle type(check(H5Tcopy(H5T_C_S1), "copy string type", file, object));
  check(H5Tset_size(type.get(), H5T_VARIABLE), "set string type size", file, object);
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "set string encoding", file, object);
  return type;
}

// The same field layout as EventRecord; `packed` (for the file) uses explicit
// little-endian types so files are identical whatever machine wrote them.
TypeHandle event_type(bool packed, const std::string& file, const std::string& object) {
  struct Member {
    const char* name;
    size_t offset;
    hid_t native;
    hid_t standard;
  };
  const Member members[] = {
      {"replicate", offsetof(EventRecord, replicate), H5T_NATIVE_INT32, H5T_STD_I32LE},
      {"day", offsetof(EventRecord, day), H5T_NATIVE_INT32, H5T_STD_I32LE},
      {"child", offsetof(EventRecord, child), H5T_NATIVE_UINT32, H5T_STD_U32LE},
      {"kind", offsetof(EventRecord, kind), H5T_NATIVE_UINT16, H5T_STD_U16LE},
      {"agency", offsetof(EventRecord, agency), H5T_NATIVE_UINT16, H5T_STD_U16LE},
      {"detail", offsetof(EventRecord, detail), H5T_NATIVE_INT32, H5T_STD_I32LE},
  };
  size_t total = 0;
  for (const Member& m : members) total += H5Tget_size(m.standard);
  TypeHandle type(check(H5Tcreate(H5T_COMPOUND, packed ? total : sizeof(EventRecord)), "create event type", file,
                        object));
  size_t offset = 0;
  for (const Member& m : members) {
    check(H5Tinsert(type.get(), m.name, packed ? offset : m.offset, packed ? m.standard : m.native),
          "build event type", file, object);
    offset += H5Tget_size(m.standard);
  }
  return type;
}
static_assert(std::is_standard_layout_v<EventRecord>, "offsetof needs a standard-layout EventRecord");

}  // namespace

// ---------------------------------------------------------------------------
// H5Object: attributes

void H5Object::write_scalar_attr(const std::string& name, hid_t file_type, hid_t mem_type, const void* value) {
  const std::string where = attr_where(path_, name);
  if (check(H5Aexists(id(), name.c_str()), "look up", file_, where) > 0) {
    check(H5Adelete(id(), name.c_str()), "replace", file_, where);
  }
  SpaceHandle space(check(H5Screate(H5S_SCALAR), "create dataspace for", file_, where));
  AttrHandle attr(check(H5Acreate2(id(), name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT), "create",
                        file_, where));
  check(H5Awrite(attr.get(), mem_type, value), "write", file_, where);
}

void H5Object::set_attr(const std::string& name, std::string_view value) {
  TypeHandle type = utf8_string_type(file_, attr_where(path_, name));
  // HDF5 wants a NUL-terminated char* for a variable-length string.
  const std::string copy(value);
  const char* ptr = copy.c_str();
  write_scalar_attr(name, type.get(), type.get(), &ptr);
}

void H5Object::set_attr(const std::string& name, double value) {
  write_scalar_attr(name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

void H5Object::set_attr_int64(const std::string& name, int64_t value) {
  write_scalar_attr(name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

bool H5Object::has_attr(const std::string& name) const {
  return check(H5Aexists(id(), name.c_str()), "look up", file_, attr_where(path_, name)) > 0;
}

H5Object::ScalarAttr H5Object::open_scalar_attr(const std::string& name) const {
  const std::string where = attr_where(path_, name);
  ScalarAttr a;
  a.attr = AttrHandle(check(H5Aopen(id(), name.c_str(), H5P_DEFAULT), "open", file_, where));
  a.type = TypeHandle(check(H5Aget_type(a.attr.get()), "get type of", file_, where));
  a.cls = check(H5Tget_class(a.type.get()), "get type of", file_, where);
  SpaceHandle space(check(H5Aget_space(a.attr.get()), "get dataspace of", file_, where));
  if (check(H5Sget_simple_extent_npoints(space.get()), "get size of", file_, where) != 1) {
    fail_plain("is not a single value", file_, where);
  }
  return a;
}

std::string H5Object::attr_string(const std::string& name) const {
  const std::string where = attr_where(path_, name);
  ScalarAttr a = open_scalar_attr(name);
  if (a.cls != H5T_STRING || check(H5Tis_variable_str(a.type.get()), "get type of", file_, where) == 0) {
    fail_plain("is not a variable-length string", file_, where);
  }
  char* ptr = nullptr;
  check(H5Aread(a.attr.get(), a.type.get(), &ptr), "read", file_, where);
  std::string value = ptr != nullptr ? std::string(ptr) : std::string();
  H5free_memory(ptr);
  return value;
}

int64_t H5Object::attr_int(const std::string& name) const {
  const std::string where = attr_where(path_, name);
  ScalarAttr a = open_scalar_attr(name);
  // HDF5 would clip a uint64 above INT64_MAX without complaint.
  const bool fits = a.cls == H5T_INTEGER && (H5Tget_size(a.type.get()) < sizeof(int64_t) ||
                                             H5Tget_sign(a.type.get()) == H5T_SGN_2);
  if (!fits) fail_plain("is not an int64-compatible integer", file_, where);
  int64_t value = 0;
  check(H5Aread(a.attr.get(), H5T_NATIVE_INT64, &value), "read", file_, where);
  return value;
}

double H5Object::attr_double(const std::string& name) const {
  const std::string where = attr_where(path_, name);
  ScalarAttr a = open_scalar_attr(name);
  if (a.cls != H5T_FLOAT && a.cls != H5T_INTEGER) fail_plain("is not a number", file_, where);
  double value = 0;
  check(H5Aread(a.attr.get(), H5T_NATIVE_DOUBLE, &value), "read", file_, where);
  return value;
}

// ---------------------------------------------------------------------------
// H5Dataset

std::vector<size_t> H5Dataset::dims() const {
  SpaceHandle space(check(H5Dget_space(id()), "get dataspace", file_path(), path()));
  const int rank = check(H5Sget_simple_extent_ndims(space.get()), "get dataspace", file_path(), path());
  std::vector<hsize_t> d(static_cast<size_t>(rank));
  check(H5Sget_simple_extent_dims(space.get(), d.data(), nullptr), "get dataspace", file_path(), path());
  return {d.begin(), d.end()};
}

std::vector<size_t> H5Dataset::chunk_dims() const {
  PlistHandle dcpl(check(H5Dget_create_plist(id()), "get creation properties", file_path(), path()));
  if (check(H5Pget_layout(dcpl.get()), "get layout", file_path(), path()) != H5D_CHUNKED) return {};
  std::vector<hsize_t> chunk(H5S_MAX_RANK);
  const int rank =
      check(H5Pget_chunk(dcpl.get(), H5S_MAX_RANK, chunk.data()), "get chunk shape", file_path(), path());
  return {chunk.begin(), chunk.begin() + rank};
}

bool H5Dataset::is_compressed() const {
  PlistHandle dcpl(check(H5Dget_create_plist(id()), "get creation properties", file_path(), path()));
  if (check(H5Pget_layout(dcpl.get()), "get layout", file_path(), path()) != H5D_CHUNKED) return false;
  const int nfilters = check(H5Pget_nfilters(dcpl.get()), "get filters", file_path(), path());
  for (int i = 0; i < nfilters; ++i) {
    unsigned flags = 0;
    unsigned config = 0;
    unsigned cd_values[8];
    size_t cd_count = std::size(cd_values);
    char filter_name[64];
    const H5Z_filter_t filter = check(H5Pget_filter2(dcpl.get(), static_cast<unsigned>(i), &flags, &cd_count,
                                                     cd_values, sizeof filter_name, filter_name, &config),
                                      "get filters", file_path(), path());
    if (filter == H5Z_FILTER_DEFLATE) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// H5Group: navigation

std::string H5Group::child_path(const std::string& name) const {
  return path() == "/" ? "/" + name : path() + "/" + name;
}

H5Group H5Group::create_group(const std::string& name) {
  const std::string where = child_path(name);
  ObjectHandle g(
      check(H5Gcreate2(id(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create group", file_path(), where));
  return H5Group(std::move(g), file_path(), where);
}

H5Group H5Group::open_group(const std::string& name) const {
  const std::string where = child_path(name);
  ObjectHandle g(check(H5Gopen2(id(), name.c_str(), H5P_DEFAULT), "open group", file_path(), where));
  return H5Group(std::move(g), file_path(), where);
}

H5Group H5Group::require_group(const std::string& path) {
  std::string prefix;
  for (const std::string& part : split_path(path)) {
    prefix += prefix.empty() ? part : "/" + part;
    // Safe to ask about `prefix` only because every shorter prefix is now a group.
    if (check(H5Lexists(id(), prefix.c_str(), H5P_DEFAULT), "look up", file_path(), child_path(prefix)) == 0) {
      create_group(prefix);
    }
  }
  if (prefix.empty()) fail_plain("require_group: empty path", file_path(), this->path());
  return open_group(prefix);
}

H5Dataset H5Group::open_dataset(const std::string& name) const {
  const std::string where = child_path(name);
  ObjectHandle d(check(H5Dopen2(id(), name.c_str(), H5P_DEFAULT), "open dataset", file_path(), where));
  return H5Dataset(std::move(d), file_path(), where);
}

bool H5Group::exists(const std::string& name) const {
  const std::vector<std::string> parts = split_path(name);
  if (parts.empty()) return false;
  std::string prefix;
  for (size_t i = 0; i < parts.size(); ++i) {
    prefix += prefix.empty() ? parts[i] : "/" + parts[i];
    // H5Lexists fails (rather than saying no) if an intermediate link is
    // missing or is not a group, so check each level before descending.
    const std::string where = child_path(prefix);
    if (check(H5Lexists(id(), prefix.c_str(), H5P_DEFAULT), "look up", file_path(), where) == 0) return false;
    if (check(H5Oexists_by_name(id(), prefix.c_str(), H5P_DEFAULT), "look up", file_path(), where) == 0) return false;
    if (i + 1 < parts.size()) {
      ObjectHandle obj(check(H5Oopen(id(), prefix.c_str(), H5P_DEFAULT), "open", file_path(), where));
      if (H5Iget_type(obj.get()) != H5I_GROUP) return false;
    }
  }
  return true;
}

std::vector<std::string> H5Group::list() const {
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
    // An exception must not cross HDF5's C frames; a negative return stops the walk.
    try {
      static_cast<std::vector<std::string>*>(out)->emplace_back(name);
      return 0;
    } catch (...) {
      return -1;
    }
  };
  check(H5Literate(id(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names), "list", file_path(), path());
  return names;
}

// ---------------------------------------------------------------------------
// H5Group: writers

H5Dataset H5Group::create_dataset(const std::string& name, hid_t file_type, std::span<const hsize_t> dims,
                                  std::span<const hsize_t> chunk, hid_t mem_type, const void* data) {
  const std::string where = child_path(name);
  hsize_t count = 1;
  for (hsize_t d : dims) count *= d;

  SpaceHandle space(check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "create dataspace",
                          file_path(), where));
  PlistHandle dcpl(check(H5Pcreate(H5P_DATASET_CREATE), "create properties", file_path(), where));
  // Chunk dims must be non-zero and no larger than a fixed extent, so an empty
  // dataset cannot be chunked; it stays contiguous (and takes no space), as do
  // small ones (kCompressFromBytes).
  if (count > 0 && count * H5Tget_size(file_type) >= kCompressFromBytes) {
    check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), "set chunking", file_path(), where);
    // Shuffle groups the bytes of each value by significance, which makes
    // slowly varying doubles and small integers compress far better.
    check(H5Pset_shuffle(dcpl.get()), "set shuffle filter", file_path(), where);
    check(H5Pset_deflate(dcpl.get(), kDeflateLevel), "set deflate filter", file_path(), where);
  }
  ObjectHandle ds(check(H5Dcreate2(id(), name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                        "create dataset", file_path(), where));
  if (count > 0) {
    check(H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write dataset", file_path(), where);
  }
  return H5Dataset(std::move(ds), file_path(), where);
}

H5Dataset H5Group::write_matrix(const std::string& name, size_t rows, size_t cols, std::span<const double> row_major) {
  if (row_major.size() != rows * cols) {
    throw std::invalid_argument("write_matrix " + child_path(name) + ": " + std::to_string(row_major.size()) +
                                " values for a " + std::to_string(rows) + " x " + std::to_string(cols) + " matrix");
  }
  const hsize_t dims[2] = {rows, cols};
  const hsize_t chunk[2] = {1, std::min<hsize_t>(cols, kMatrixChunkCols)};
  return create_dataset(name, H5T_IEEE_F64LE, dims, chunk, H5T_NATIVE_DOUBLE, row_major.data());
}

H5Dataset H5Group::write_vector(const std::string& name, std::span<const double> values) {
  const hsize_t dims[1] = {values.size()};
  const hsize_t chunk[1] = {std::min<hsize_t>(values.size(), kVectorChunk)};
  return create_dataset(name, H5T_IEEE_F64LE, dims, chunk, H5T_NATIVE_DOUBLE, values.data());
}

H5Dataset H5Group::write_vector(const std::string& name, std::span<const int32_t> values) {
  const hsize_t dims[1] = {values.size()};
  const hsize_t chunk[1] = {std::min<hsize_t>(values.size(), kVectorChunk)};
  return create_dataset(name, H5T_STD_I32LE, dims, chunk, H5T_NATIVE_INT32, values.data());
}

H5Dataset H5Group::write_vector(const std::string& name, std::span<const int64_t> values) {
  const hsize_t dims[1] = {values.size()};
  const hsize_t chunk[1] = {std::min<hsize_t>(values.size(), kVectorChunk)};
  return create_dataset(name, H5T_STD_I64LE, dims, chunk, H5T_NATIVE_INT64, values.data());
}

H5Dataset H5Group::write_strings(const std::string& name, const std::vector<std::string>& values) {
  TypeHandle type = utf8_string_type(file_path(), child_path(name));
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const std::string& s : values) ptrs.push_back(s.c_str());
  const hsize_t dims[1] = {values.size()};
  const hsize_t chunk[1] = {std::min<hsize_t>(values.size(), kVectorChunk)};
  return create_dataset(name, type.get(), dims, chunk, type.get(), ptrs.data());
}

H5Dataset H5Group::write_event_table(const std::string& name, std::span<const EventRecord> events) {
  TypeHandle file_type = event_type(true, file_path(), child_path(name));
  TypeHandle mem_type = event_type(false, file_path(), child_path(name));
  const hsize_t dims[1] = {events.size()};
  const hsize_t chunk[1] = {std::min<hsize_t>(events.size(), kEventChunk)};
  return create_dataset(name, file_type.get(), dims, chunk, mem_type.get(), events.data());
}

// ---------------------------------------------------------------------------
// H5Group: readers

template <class T>
std::vector<T> H5Group::read_numeric(const std::string& name, hid_t mem_type, bool allow_float,
                                     std::vector<size_t>* dims_out) const {
  H5Dataset ds = open_dataset(name);
  TypeHandle type(check(H5Dget_type(ds.id()), "get type", file_path(), ds.path()));
  const H5T_class_t cls = check(H5Tget_class(type.get()), "get type", file_path(), ds.path());
  // HDF5 would silently clip out-of-range integers or truncate floats; refuse
  // conversions that can lose values, except widening into double.
  const size_t size = H5Tget_size(type.get());
  const bool fits_integer = size < sizeof(T) || (size == sizeof(T) && H5Tget_sign(type.get()) == H5T_SGN_2);
  const bool ok = cls == H5T_INTEGER ? (allow_float || fits_integer) : (cls == H5T_FLOAT && allow_float);
  if (!ok) fail_plain("does not hold values convertible without loss", file_path(), ds.path());

  const std::vector<size_t> dims = ds.dims();
  size_t count = 1;
  for (size_t d : dims) count *= d;
  std::vector<T> out(count);
  if (count > 0) {
    check(H5Dread(ds.id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "read dataset", file_path(),
          ds.path());
  }
  if (dims_out != nullptr) *dims_out = dims;
  return out;
}

std::vector<double> H5Group::read_doubles(const std::string& name, std::vector<size_t>* dims_out) const {
  return read_numeric<double>(name, H5T_NATIVE_DOUBLE, true, dims_out);
}

std::vector<int32_t> H5Group::read_int32s(const std::string& name, std::vector<size_t>* dims_out) const {
  return read_numeric<int32_t>(name, H5T_NATIVE_INT32, false, dims_out);
}

std::vector<int64_t> H5Group::read_int64s(const std::string& name, std::vector<size_t>* dims_out) const {
  return read_numeric<int64_t>(name, H5T_NATIVE_INT64, false, dims_out);
}

std::vector<std::string> H5Group::read_strings(const std::string& name) const {
  H5Dataset ds = open_dataset(name);
  TypeHandle type(check(H5Dget_type(ds.id()), "get type", file_path(), ds.path()));
  if (H5Tget_class(type.get()) != H5T_STRING || H5Tis_variable_str(type.get()) <= 0) {
    fail_plain("is not a variable-length string dataset", file_path(), ds.path());
  }
  SpaceHandle space(check(H5Dget_space(ds.id()), "get dataspace", file_path(), ds.path()));
  const hssize_t n = check(H5Sget_simple_extent_npoints(space.get()), "get dataspace", file_path(), ds.path());
  std::vector<char*> ptrs(static_cast<size_t>(n), nullptr);
  if (ptrs.empty()) return {};
  check(H5Dread(ds.id(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "read dataset", file_path(),
        ds.path());
  std::vector<std::string> out;
  out.reserve(ptrs.size());
  for (const char* p : ptrs) out.emplace_back(p != nullptr ? p : "");
  // HDF5 allocated each string; it must also free them.
  check(H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, ptrs.data()), "free strings", file_path(), ds.path());
  return out;
}

std::vector<EventRecord> H5Group::read_event_table(const std::string& name) const {
  H5Dataset ds = open_dataset(name);
  TypeHandle type(check(H5Dget_type(ds.id()), "get type", file_path(), ds.path()));
  if (H5Tget_class(type.get()) != H5T_COMPOUND) fail_plain("is not an event table", file_path(), ds.path());
  // Members are matched by name, so this reads the table whatever its on-disk layout.
  TypeHandle mem_type = event_type(false, file_path(), ds.path());
  const std::vector<size_t> dims = ds.dims();
  std::vector<EventRecord> out(dims.empty() ? 1 : dims[0]);
  if (!out.empty()) {
    check(H5Dread(ds.id(), mem_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "read dataset", file_path(),
          ds.path());
  }
  return out;
}

// ---------------------------------------------------------------------------
// H5File

namespace {

PlistHandle file_access_plist(const std::string& path) {
  PlistHandle fapl(check(H5Pcreate(H5P_FILE_ACCESS), "create file access properties", path, ""));
#if H5_VERSION_GE(1, 10, 7)
  // Keep HDF5's file locking, but do not fail on filesystems that lack it
  // (some NFS and Lustre mounts), where the output directory often lives.
  check(H5Pset_file_locking(fapl.get(), true, true), "set file locking", path, "");
#endif
  return fapl;
}

}  // namespace

H5File H5File::create(const std::string& path) {
  quiet_hdf5_errors();
  PlistHandle fapl = file_access_plist(path);
  FileHandle f(check(H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, fapl.get()), "create file", path, ""));
  return H5File(std::move(f), path);
}

H5File H5File::open_read(const std::string& path) {
  quiet_hdf5_errors();
  PlistHandle fapl = file_access_plist(path);
  FileHandle f(check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), "open file", path, ""));
  return H5File(std::move(f), path);
}

H5File H5File::open_rw(const std::string& path) {
  quiet_hdf5_errors();
  PlistHandle fapl = file_access_plist(path);
  FileHandle f(check(H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.get()), "open file for writing", path, ""));
  return H5File(std::move(f), path);
}

void H5File::require_open(const char* what) const {
  if (!handle_.valid()) throw H5Error("HDF5: cannot " + std::string(what) + " '" + path_ + "': file is closed");
}

H5Group H5File::root() const {
  require_open("open root group of");
  ObjectHandle g(check(H5Gopen2(id(), "/", H5P_DEFAULT), "open root group", path_, "/"));
  return H5Group(std::move(g), path_, "/");
}

void H5File::flush() {
  require_open("flush");
  check(H5Fflush(id(), H5F_SCOPE_LOCAL), "flush file", path_, "");
}

void H5File::close() {
  if (!handle_.valid()) return;
  check(H5Fflush(id(), H5F_SCOPE_LOCAL), "write out file", path_, "");
  check(H5Fclose(handle_.release()), "close file", path_, "");
}

}  // namespace sgsim
