// Streaming byte input for the importers: plain or gzip-compressed files read
// through one interface, in constant memory, with positions for error reports.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "paperpulse/base/result.h"

namespace paperpulse::ingest {

class ByteSource {
 public:
  // Opens `path`; gzip input (by magic bytes, not by name) is decompressed
  // transparently. Errors: kIo naming the path.
  static Result<std::unique_ptr<ByteSource>> Open(const std::string& path);
  // A source over bytes held in memory (tests, fetched HTTP bodies). `name`
  // is used in error reports.
  static std::unique_ptr<ByteSource> FromString(std::string data, std::string name);

  virtual ~ByteSource() = default;

  // Reads up to `n` bytes into `buf`; returns 0 at end of input.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
  // The first (up to) `n` decompressed bytes, without consuming them. Only
  // valid before the first Read(). Used for format detection.
  virtual Result<std::string_view> Peek(size_t n) = 0;
  // Bytes of the underlying file consumed so far, and its total size (-1 when
  // unknown): for progress and ETA.
  virtual int64_t RawPosition() const = 0;
  virtual int64_t RawSize() const = 0;
  const std::string& name() const { return name_; }

 protected:
  explicit ByteSource(std::string name) : name_(std::move(name)) {}

 private:
  std::string name_;
};

// Reads a ByteSource line by line. Lines are returned without their "\n" or
// "\r\n". A line longer than `max_line` is reported, skipped, and reading
// continues with the next line.
class LineReader {
 public:
  explicit LineReader(ByteSource& source, size_t max_line = 64 << 20);

  enum class Outcome { kLine, kTooLong, kEnd };
  // On kLine, `line` is valid until the next call.
  Result<Outcome> Next(std::string_view& line);
  // 1-based number of the line last returned, and its byte offset (decompressed).
  int64_t line_number() const { return line_number_; }
  int64_t line_offset() const { return line_offset_; }

 private:
  Result<bool> Fill();

  ByteSource& source_;
  size_t max_line_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  int64_t line_number_ = 0;
  int64_t line_offset_ = 0;
  int64_t consumed_ = 0;  // decompressed bytes before buf_[0]
};

// The whole (decompressed) content, or kInvalidArgument when larger than `max_bytes`.
Result<std::string> ReadAll(ByteSource& source, size_t max_bytes);

}  // namespace paperpulse::ingest
