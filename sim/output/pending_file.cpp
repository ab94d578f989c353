#include "sim/output/pending_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace sgsim {
namespace fs = std::filesystem;

namespace {

std::string errno_text(int err) { return std::error_code(err, std::generic_category()).message(); }

// The data must be on disk before the name is: otherwise a crash just after
// the rename could leave a complete-looking name over incomplete contents.
void fsync_path(const std::string& path, int flags, bool required) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) {
    if (required) throw std::runtime_error("cannot open " + path + " to sync it: " + errno_text(errno));
    return;
  }
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0 && required) throw std::runtime_error("cannot sync " + path + ": " + errno_text(err));
}

// rename(2) that fails instead of replacing an existing `to`, so a file that
// appeared at the final path while we were running is not clobbered either.
int rename_no_replace(const char* from, const char* to) {
#ifdef RENAME_NOREPLACE
  if (::renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return -1;
#endif
  // Filesystem without RENAME_NOREPLACE: link(2) also refuses to replace.
  if (::link(from, to) == 0) {
    ::unlink(from);
    return 0;
  }
  if (errno == EEXIST) return -1;
  // No hard links either (e.g. some FUSE mounts): fall back to check-then-rename.
  std::error_code ec;
  if (fs::exists(to, ec)) {
    errno = EEXIST;
    return -1;
  }
  return std::rename(from, to);
}

}  // namespace

PendingFile::PendingFile(std::string final_path, bool overwrite)
    : final_path_(std::move(final_path)), overwrite_(overwrite) {
  const fs::path final_fs(final_path_);
  if (!final_fs.has_filename()) throw OutputPathError("output path '" + final_path_ + "' names a directory");
  const fs::path dir = final_fs.has_parent_path() ? final_fs.parent_path() : fs::path(".");

  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw OutputPathError("cannot write " + final_path_ + ": directory " + dir.string() + " does not exist");
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    throw OutputPathError("cannot write " + final_path_ + ": directory " + dir.string() +
                             " is not writable (" + errno_text(errno) + ")");
  }
  const fs::file_status status = fs::symlink_status(final_fs, ec);
  if (fs::exists(status)) {
    if (!overwrite_) throw OutputExistsError(final_path_ + " already exists; use --force to overwrite");
    if (fs::is_directory(fs::status(final_fs, ec))) {
      throw OutputPathError("cannot write " + final_path_ + ": it is a directory");
    }
  }

  // Built with append rather than operator+ chains: GCC 12 reports a false -Wrestrict on the latter.
  std::string temp_name = ".";
  temp_name.append(final_fs.filename().string()).append(".partial-").append(std::to_string(::getpid()));
  temp_path_ = (dir / temp_name).string();
  // A temporary with our pid in its name can only be left over from an earlier
  // process that died (pids are reused, and in containers often identical), so
  // it is stale; removing it lets the caller create the file exclusively.
  ::unlink(temp_path_.c_str());
}

PendingFile::~PendingFile() {
  if (!committed_) ::unlink(temp_path_.c_str());
}

void PendingFile::commit() {
  if (committed_) throw std::logic_error("PendingFile::commit called twice for " + final_path_);
  fsync_path(temp_path_, O_RDONLY, true);
  const int rc = overwrite_ ? std::rename(temp_path_.c_str(), final_path_.c_str())
                            : rename_no_replace(temp_path_.c_str(), final_path_.c_str());
  if (rc != 0) {
    const int err = errno;
    if (err == EEXIST) throw OutputExistsError(final_path_ + " already exists; use --force to overwrite");
    throw std::runtime_error("cannot move " + temp_path_ + " to " + final_path_ + ": " + errno_text(err));
  }
  committed_ = true;
  // Makes the rename itself durable; not every filesystem can sync a directory,
  // and the file is already in place, so failure here is not an error.
  const fs::path dir = fs::path(final_path_).has_parent_path() ? fs::path(final_path_).parent_path() : fs::path(".");
  fsync_path(dir.string(), O_RDONLY | O_DIRECTORY, false);
}

}  // namespace sgsim
