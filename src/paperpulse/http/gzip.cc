#include "paperpulse/http/gzip.h"

#include <zlib.h>

#include "paperpulse/base/strings.h"

namespace paperpulse::http {

Result<std::string> Gzip(std::string_view data, int level) {
  z_stream zs{};
  // windowBits 15 + 16 selects the gzip wrapper instead of zlib's own.
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Fail(ErrorCode::kInternal, "deflateInit2 failed");
  }
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  size_t written = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return Fail(ErrorCode::kInternal, "deflate did not finish");
  out.resize(written);
  return out;
}

bool AcceptsGzip(std::string_view accept_encoding) {
  bool star = false;
  for (std::string_view item : Split(accept_encoding, ',')) {
    item = TrimView(item);
    std::string coding = AsciiLower(TrimView(item.substr(0, item.find(';'))));
    bool zero_q = false;
    if (size_t q = item.find("q="); q != std::string_view::npos) {
      std::string_view value = TrimView(item.substr(q + 2));
      zero_q = !value.empty() && value.find_first_not_of("0.") == std::string_view::npos;
    }
    if (coding == "gzip" || coding == "x-gzip") return !zero_q;
    if (coding == "*") star = !zero_q;
  }
  return star;
}

bool IsCompressible(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  return StartsWith(type, "text/") || type == "application/json" ||
         type == "application/atom+xml" || type == "application/xml" ||
         type == "application/javascript" || type == "image/svg+xml" || type == "font/ttf";
}

}  // namespace paperpulse::http
