#pragma once
// Write-to-temporary-then-rename for output files.
//
// Why: a run that is interrupted or fails must never leave behind a file that
// looks complete, and must never clobber a user's existing file unless asked.
// The output is written to a hidden temporary next to the final path and only
// renamed into place by commit(); rename(2) within one directory is atomic, so
// readers see either the old file (or none) or the finished new one.
#include <stdexcept>
#include <string>

namespace sgsim {

class OutputExistsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The output cannot be written where asked (no such directory, not writable, a
// directory in the way): bad input, found before any simulation work.
class OutputPathError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class PendingFile {
 public:
  // Checks up front (before any simulation work) that the output can be
  // written: throws OutputExistsError if `final_path` exists and !overwrite,
  // and std::runtime_error if its directory is missing or not writable.
  // Creates nothing; the caller creates temp_path() itself.
  PendingFile(std::string final_path, bool overwrite);
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;
  // Unless committed, removes the temporary (errors ignored).
  ~PendingFile();

  // "<dir>/.<name>.partial-<pid>": hidden, clearly unfinished, and in the same
  // directory as the final path so that the rename is atomic.
  const std::string& temp_path() const { return temp_path_; }
  const std::string& final_path() const { return final_path_; }
  bool committed() const { return committed_; }

  // Moves the finished temporary into place, replacing an existing final file
  // only if `overwrite` was given. Call after the writer has closed the file.
  void commit();

 private:
  std::string final_path_;
  std::string temp_path_;
  bool overwrite_;
  bool committed_ = false;
};

}  // namespace sgsim
