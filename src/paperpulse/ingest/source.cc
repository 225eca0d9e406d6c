#include "paperpulse/ingest/source.h"

#include <sys/stat.h>
#include <zlib.h>

#include <cstring>

namespace paperpulse::ingest {
namespace {

class GzFileSource final : public ByteSource {
 public:
  GzFileSource(std::string name, gzFile f, int64_t size)
      : ByteSource(std::move(name)), f_(f), size_(size) {}
  ~GzFileSource() override { gzclose(f_); }

  Result<size_t> Read(char* buf, size_t n) override {
    size_t done = 0;
    if (peek_pos_ < peek_.size()) {
      done = std::min(n, peek_.size() - peek_pos_);
      std::memcpy(buf, peek_.data() + peek_pos_, done);
      peek_pos_ += done;
      if (done == n) return done;
    }
    int got = gzread(f_, buf + done, static_cast<unsigned>(std::min<size_t>(n - done, 1u << 30)));
    if (got < 0) {
      int errnum = 0;
      const char* msg = gzerror(f_, &errnum);
      return Fail(ErrorCode::kIo, name() + ": read failed: " + (msg ? msg : "unknown"));
    }
    read_started_ = true;
    return done + static_cast<size_t>(got);
  }

  Result<std::string_view> Peek(size_t n) override {
    if (read_started_) return Fail(ErrorCode::kInternal, "Peek after Read");
    while (peek_.size() < n) {
      size_t old = peek_.size();
      peek_.resize(n);
      int got = gzread(f_, peek_.data() + old, static_cast<unsigned>(n - old));
      if (got < 0) {
        int errnum = 0;
        const char* msg = gzerror(f_, &errnum);
        return Fail(ErrorCode::kIo, name() + ": read failed: " + (msg ? msg : "unknown"));
      }
      peek_.resize(old + static_cast<size_t>(got));
      if (got == 0) break;
    }
    return std::string_view(peek_).substr(0, std::min(n, peek_.size()));
  }

  int64_t RawPosition() const override { return gzoffset(f_); }
  int64_t RawSize() const override { return size_; }

 private:
  gzFile f_;
  int64_t size_;
  std::string peek_;
  size_t peek_pos_ = 0;
  bool read_started_ = false;
};

class StringSource final : public ByteSource {
 public:
  StringSource(std::string data, std::string name)
      : ByteSource(std::move(name)), data_(std::move(data)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  Result<std::string_view> Peek(size_t n) override {
    return std::string_view(data_).substr(0, std::min(n, data_.size()));
  }
  int64_t RawPosition() const override { return static_cast<int64_t>(pos_); }
  int64_t RawSize() const override { return static_cast<int64_t>(data_.size()); }

 private:
  std::string data_;
  size_t pos_ = 0;
};

}  // namespace

Result<std::unique_ptr<ByteSource>> ByteSource::Open(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Fail(ErrorCode::kIo, path + ": " + ErrnoText(errno));
  }
  if (S_ISDIR(st.st_mode)) return Fail(ErrorCode::kIo, path + ": is a directory");
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return Fail(ErrorCode::kIo, path + ": cannot open: " + ErrnoText(errno));
  gzbuffer(f, 256 * 1024);
  return std::unique_ptr<ByteSource>(new GzFileSource(path, f, static_cast<int64_t>(st.st_size)));
}

std::unique_ptr<ByteSource> ByteSource::FromString(std::string data, std::string name) {
  return std::make_unique<StringSource>(std::move(data), std::move(name));
}

LineReader::LineReader(ByteSource& source, size_t max_line)
    : source_(source), max_line_(max_line) {}

Result<bool> LineReader::Fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    consumed_ += static_cast<int64_t>(pos_);
    pos_ = 0;
  }
  // What one Read() fills: uninitialised (growing buf_ by a whole chunk
  // before each Read would zero a MiB per call, however few bytes came),
  // and one per thread, kept: a MiB per LineReader cost an mmap and its
  // page faults per small input (5 ms each for the fuzz targets). Safe to
  // share: it is copied into buf_ before anything else can run here.
  constexpr size_t kChunk = 1 << 20;
  thread_local const std::unique_ptr<char[]> chunk = std::make_unique_for_overwrite<char[]>(kChunk);
  auto got = source_.Read(chunk.get(), kChunk);
  if (!got) return tl::unexpected(got.error());
  buf_.append(chunk.get(), *got);
  if (*got == 0) eof_ = true;
  return *got > 0;
}

Result<LineReader::Outcome> LineReader::Next(std::string_view& line) {
  size_t scan_from = pos_;
  bool too_long = false;
  while (true) {
    size_t nl = buf_.find('\n', scan_from);
    if (nl != std::string::npos) {
      ++line_number_;
      line_offset_ = consumed_ + static_cast<int64_t>(pos_);
      size_t end = nl;
      if (end > pos_ && buf_[end - 1] == '\r') --end;
      line = std::string_view(buf_).substr(pos_, end - pos_);
      pos_ = nl + 1;
      return too_long ? Outcome::kTooLong : Outcome::kLine;
    }
    if (buf_.size() - pos_ > max_line_) {
      // Drop what we have of this line and keep scanning for its end.
      too_long = true;
      consumed_ += static_cast<int64_t>(buf_.size());
      line_offset_ = consumed_;
      buf_.clear();
      pos_ = 0;
    }
    size_t scanned = buf_.size() - pos_;  // Fill() may move pos_ to 0
    ASSIGN_OR_RETURN(bool more, Fill());
    scan_from = pos_ + scanned;
    if (!more) {
      if (pos_ >= buf_.size() && !too_long) return Outcome::kEnd;
      ++line_number_;
      line_offset_ = consumed_ + static_cast<int64_t>(pos_);
      size_t end = buf_.size();
      if (end > pos_ && buf_[end - 1] == '\r') --end;
      line = std::string_view(buf_).substr(pos_, end - pos_);
      pos_ = buf_.size();
      return too_long ? Outcome::kTooLong : Outcome::kLine;
    }
  }
}

Result<std::string> ReadAll(ByteSource& source, size_t max_bytes) {
  std::string out;
  char buf[1 << 16];
  while (true) {
    ASSIGN_OR_RETURN(size_t got, source.Read(buf, sizeof buf));
    if (got == 0) return out;
    if (out.size() + got > max_bytes) {
      return Fail(ErrorCode::kInvalidArgument,
                  source.name() + ": larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, got);
  }
}

}  // namespace paperpulse::ingest
