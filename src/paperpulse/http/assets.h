// Files compiled into the binary at build time (see CMakeLists.txt): our
// templates and static files, and KaTeX from Debian's libjs-katex, so the
// server needs no files beside itself and no CDN.
#pragma once

#include <span>
#include <string_view>

namespace paperpulse::http {

struct Asset {
  // Logical path: "templates/paper.mustache", "static/app.css",
  // "katex/katex.min.js", "katex/fonts/KaTeX_Main-Regular.woff2".
  std::string_view path;
  std::string_view data;
};

// Every embedded file.
std::span<const Asset> EmbeddedAssets();

// The asset at `path`, or nullptr.
const Asset* FindAsset(std::string_view path);

}  // namespace paperpulse::http
