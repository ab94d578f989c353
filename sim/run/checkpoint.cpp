#include "sim/run/checkpoint.hpp"

#include <fmt/format.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <streambuf>
#include <unistd.h>

#include "sgsim/version.hpp"
#include "sim/storage/fnv.hpp"

namespace sgsim {
namespace fs = std::filesystem;

namespace {

constexpr std::array<char, 16> kMagic = {'s', 'g', 's', 'i', 'm', ' ', 'c', 'h', 'e', 'c', 'k', 'p', 'o', 'i', 'n', 't'};
constexpr uint32_t kFormat = 1;
constexpr uint64_t kEndMark = 0x646e'652d'6b63'6573ull;  // "seck-end", read little-endian

std::string this_version() { return fmt::format("{} ({})", kVersion, kGitRevision); }

// Passes bytes through to another stream buffer and keeps an FNV-1a hash of
// them, so the state is checksummed as it is written, without a copy in memory.
class HashingBuf : public std::streambuf {
 public:
  explicit HashingBuf(std::streambuf* out) : out_(out) {}
  uint64_t hash() const { return hash_; }

 protected:
  int_type overflow(int_type ch) override {
    if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
    const char c = traits_type::to_char_type(ch);
    add(&c, 1);
    return out_->sputc(c);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    add(s, n);
    return out_->sputn(s, n);
  }

 private:
  void add(const char* s, std::streamsize n) { hash_ = fnv1a64({s, static_cast<size_t>(n)}, hash_); }
  std::streambuf* out_;
  uint64_t hash_ = kFnvOffset;
};

template <class Archive>
void header_fields(Archive& ar, CheckpointHeader& h) {
  ar(h.version, h.command, h.fingerprint, h.scenario, h.replicate, h.day);
}

// Opens `path` and reads up to the state: the stream is left at its first byte.
CheckpointHeader open_header(const std::string& path, std::ifstream& in, uint64_t* state_bytes) {
  if (!fs::exists(path)) throw CheckpointError(fmt::format("{}: no such checkpoint", path));
  in.open(path, std::ios::binary);
  if (!in) throw CheckpointError(fmt::format("{}: cannot be opened", path));
  const auto size = static_cast<uint64_t>(fs::file_size(path));
  std::array<char, kMagic.size()> magic{};
  uint32_t format = 0;
  in.read(magic.data(), magic.size());
  if (!in || magic != kMagic) throw CheckpointError(fmt::format("{}: not an sgsim checkpoint", path));
  CheckpointHeader h;
  try {
    StateIn ar(in);
    ar(format);
    if (format != kFormat)
      throw CheckpointError(fmt::format("{}: checkpoint format {} (this program reads format {})", path, format, kFormat));
    header_fields(ar, h);
  } catch (const CheckpointError&) {
    throw;
  } catch (const std::exception&) {
    throw CheckpointError(fmt::format("{}: damaged (its header is cut short)", path));
  }
  if (h.version != this_version())
    throw CheckpointError(fmt::format("{}: written by sgsim {}, but this is sgsim {}; a checkpoint holds the program's "
                                      "internal state and resumes only with the build that wrote it",
                                      path, h.version, this_version()));
  const auto at = static_cast<uint64_t>(in.tellg());
  constexpr uint64_t kTrailer = 2 * sizeof(uint64_t);
  if (size < at + kTrailer) throw CheckpointError(fmt::format("{}: damaged (cut short after its header)", path));
  *state_bytes = size - at - kTrailer;
  return h;
}

}  // namespace

void write_checkpoint(const std::string& path, const CheckpointHeader& header, const Simulation& sim) {
  write_checkpoint(path, header, [&sim](StateOut& ar) { sim.save(ar); });
}

void write_checkpoint(const std::string& path, const CheckpointHeader& header,
                      const std::function<void(StateOut&)>& save) {
  const fs::path final_path(path);
  const fs::path temp = final_path.parent_path() / fmt::format(".{}.partial-{}", final_path.filename().string(), getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(fmt::format("cannot write the checkpoint {}", temp.string()));
    out.write(kMagic.data(), kMagic.size());
    CheckpointHeader h = header;
    h.version = this_version();
    {
      StateOut ar(out);
      uint32_t format = kFormat;
      ar(format);
      header_fields(ar, h);
    }
    HashingBuf hashing(out.rdbuf());
    std::ostream state(&hashing);
    {
      StateOut ar(state);
      save(ar);
    }
    state.flush();
    const uint64_t trailer[2] = {hashing.hash(), kEndMark};
    out.write(reinterpret_cast<const char*>(trailer), sizeof trailer);
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(temp, ec);
      throw std::runtime_error(fmt::format("writing the checkpoint {} failed (disk full?)", temp.string()));
    }
  }
  fs::rename(temp, final_path);  // atomic within one directory: FILE is always a whole checkpoint
}

CheckpointHeader read_checkpoint_header(const std::string& path) {
  std::ifstream in;
  uint64_t n = 0;
  CheckpointHeader h = open_header(path, in, &n);
  uint64_t hash = kFnvOffset;
  std::array<char, 1 << 16> buf{};
  for (uint64_t left = n; left > 0;) {
    const auto take = static_cast<std::streamsize>(std::min<uint64_t>(left, buf.size()));
    in.read(buf.data(), take);
    if (in.gcount() != take) throw CheckpointError(fmt::format("{}: damaged (cut short)", path));
    hash = fnv1a64({buf.data(), static_cast<size_t>(take)}, hash);
    left -= static_cast<uint64_t>(take);
  }
  uint64_t trailer[2] = {0, 0};
  in.read(reinterpret_cast<char*>(trailer), sizeof trailer);
  if (!in || trailer[1] != kEndMark) throw CheckpointError(fmt::format("{}: damaged (no end mark: cut short?)", path));
  if (trailer[0] != hash)
    throw CheckpointError(fmt::format("{}: damaged (its state fails the checksum)", path));
  return h;
}

void load_checkpoint(const std::string& path, Simulation& sim) {
  load_checkpoint(path, [&sim](StateIn& ar) { sim.load(ar); });
}

void load_checkpoint(const std::string& path, const std::function<void(StateIn&)>& load) {
  read_checkpoint_header(path);  // the whole file checked before any of it is used
  std::ifstream in;
  uint64_t n = 0;
  open_header(path, in, &n);
  try {
    StateIn ar(in);
    load(ar);
  } catch (const std::exception& e) {
    throw CheckpointError(fmt::format("{}: its state does not fit this run ({})", path, e.what()));
  }
  if (static_cast<uint64_t>(in.tellg()) + 2 * sizeof(uint64_t) != fs::file_size(path))
    throw CheckpointError(fmt::format("{}: its state does not fit this run (read a different length)", path));
}

}  // namespace sgsim
