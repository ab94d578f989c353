#pragma once
// A small RAII layer over the HDF5 C API for sgsim's output files.
//
// Why a wrapper at all: raw hid_t values leak on every early return or exception,
// and HDF5 reports failure through return codes that are easy to ignore. Here
// every id is owned by a handle that closes it, every call is checked, and a
// failure becomes an H5Error that says what was being done to which object.
// The chunking/compression policy also lives here, so all datasets agree on it.
//
// Why the C API rather than HDF5's C++ bindings: the C API is the one HDF5
// documents fully and keeps stable, and we only need a small part of it.
#include <hdf5.h>

#include <concepts>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sgsim {

// Any failed HDF5 operation. The message names the operation, the object path
// inside the file and the file itself, plus HDF5's own innermost reason.
class H5Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One row of the event log. Kept as plain fixed-width fields so the in-memory
// layout can be handed to HDF5 directly as a compound type.
struct EventRecord {
  int32_t replicate;
  int32_t day;
  uint32_t child;
  uint16_t kind;
  uint16_t agency;
  int32_t detail;

  friend bool operator==(const EventRecord&, const EventRecord&) = default;
};

namespace h5 {

// Owns one hid_t and closes it with `Close`. Move-only, so each id is closed
// exactly once.
template <herr_t (*Close)(hid_t)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

  // Destructors cannot report a failed close; release() lets a caller that
  // cares (H5File::close) make the call itself and check the result.
  void reset() noexcept {
    if (id_ >= 0) Close(std::exchange(id_, H5I_INVALID_HID));
  }
  hid_t release() noexcept { return std::exchange(id_, H5I_INVALID_HID); }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

// Groups and datasets share the attribute code, so their common handle closes
// with H5Gclose or H5Dclose according to what the id actually is.
herr_t close_object(hid_t id);

using FileHandle = Handle<H5Fclose>;
using ObjectHandle = Handle<close_object>;
using SpaceHandle = Handle<H5Sclose>;
using TypeHandle = Handle<H5Tclose>;
using AttrHandle = Handle<H5Aclose>;
using PlistHandle = Handle<H5Pclose>;

}  // namespace h5

// A group or dataset: something that carries attributes.
class H5Object {
 public:
  hid_t id() const { return handle_.get(); }
  // Absolute path inside the file, e.g. "/runs/base/daily".
  const std::string& path() const { return path_; }
  const std::string& file_path() const { return file_; }

  // Setting an existing attribute replaces it (its type may change).
  void set_attr(const std::string& name, std::string_view value);
  void set_attr(const std::string& name, const char* value) { set_attr(name, std::string_view(value)); }
  void set_attr(const std::string& name, double value);
  // A template so that plain `int`, `size_t`, ... are not ambiguous between the
  // int64_t and double overloads.
  template <std::integral T>
    requires(!std::same_as<T, bool>)
  void set_attr(const std::string& name, T value) {
    if (!std::in_range<int64_t>(value)) {
      throw std::out_of_range("attribute '" + name + "' on " + path_ + ": value does not fit in int64");
    }
    set_attr_int64(name, static_cast<int64_t>(value));
  }

  bool has_attr(const std::string& name) const;
  std::string attr_string(const std::string& name) const;
  int64_t attr_int(const std::string& name) const;
  double attr_double(const std::string& name) const;

 protected:
  H5Object(h5::ObjectHandle handle, std::string file, std::string path)
      : handle_(std::move(handle)), file_(std::move(file)), path_(std::move(path)) {}

 private:
  void set_attr_int64(const std::string& name, int64_t value);
  void write_scalar_attr(const std::string& name, hid_t file_type, hid_t mem_type, const void* value);
  struct ScalarAttr {
    h5::AttrHandle attr;
    h5::TypeHandle type;
    H5T_class_t cls = H5T_NO_CLASS;
  };
  ScalarAttr open_scalar_attr(const std::string& name) const;

  h5::ObjectHandle handle_;
  std::string file_;
  std::string path_;
};

class H5Dataset : public H5Object {
 public:
  std::vector<size_t> dims() const;
  // Empty unless the layout is chunked.
  std::vector<size_t> chunk_dims() const;
  // Chunked with the deflate filter in its pipeline.
  bool is_compressed() const;

 private:
  friend class H5Group;
  using H5Object::H5Object;
};

class H5Group : public H5Object {
 public:
  // Fails if `name` exists.
  H5Group create_group(const std::string& name);
  H5Group open_group(const std::string& name) const;
  // Opens "a/b/c", creating whichever of its groups are missing.
  H5Group require_group(const std::string& path);
  H5Dataset open_dataset(const std::string& name) const;

  // True if `name` (a relative path, possibly nested) leads to an object.
  bool exists(const std::string& name) const;
  // Names of the direct children, in alphabetical order.
  std::vector<std::string> list() const;

  // Writers fail if `name` exists. Each returns the new dataset so attributes
  // can be attached to it. Non-empty datasets are chunked and compressed
  // (shuffle + deflate 4); empty ones are contiguous.
  H5Dataset write_matrix(const std::string& name, size_t rows, size_t cols, std::span<const double> row_major);
  H5Dataset write_vector(const std::string& name, std::span<const double> values);
  H5Dataset write_vector(const std::string& name, std::span<const int32_t> values);
  H5Dataset write_vector(const std::string& name, std::span<const int64_t> values);
  // Variable-length UTF-8 strings.
  H5Dataset write_strings(const std::string& name, const std::vector<std::string>& values);
  H5Dataset write_event_table(const std::string& name, std::span<const EventRecord> events);

  // Readers return the data flattened in row-major order; `dims_out`, if
  // given, receives the dataset's shape.
  std::vector<double> read_doubles(const std::string& name, std::vector<size_t>* dims_out = nullptr) const;
  std::vector<int32_t> read_int32s(const std::string& name, std::vector<size_t>* dims_out = nullptr) const;
  std::vector<int64_t> read_int64s(const std::string& name, std::vector<size_t>* dims_out = nullptr) const;
  std::vector<std::string> read_strings(const std::string& name) const;
  std::vector<EventRecord> read_event_table(const std::string& name) const;

  bool dataset_is_compressed(const std::string& name) const { return open_dataset(name).is_compressed(); }

 private:
  friend class H5File;
  using H5Object::H5Object;

  std::string child_path(const std::string& name) const;
  H5Dataset create_dataset(const std::string& name, hid_t file_type, std::span<const hsize_t> dims,
                           std::span<const hsize_t> chunk, hid_t mem_type, const void* data);
  template <class T>
  std::vector<T> read_numeric(const std::string& name, hid_t mem_type, bool allow_float,
                              std::vector<size_t>* dims_out) const;
};

class H5File {
 public:
  // Fails if the file exists.
  static H5File create(const std::string& path);
  static H5File open_read(const std::string& path);
  static H5File open_rw(const std::string& path);

  H5Group root() const;
  void flush();
  // Writes everything out and closes, reporting failure, which the destructor
  // cannot. The write-out comes first and is checked because groups or
  // datasets still open keep HDF5's file open until they are destroyed: their
  // data is then already on disk and only the bookkeeping remains.
  void close();

  hid_t id() const { return handle_.get(); }
  const std::string& path() const { return path_; }
  bool is_open() const { return handle_.valid(); }

 private:
  H5File(h5::FileHandle handle, std::string path) : handle_(std::move(handle)), path_(std::move(path)) {}
  void require_open(const char* what) const;

  h5::FileHandle handle_;
  std::string path_;
};

}  // namespace sgsim
