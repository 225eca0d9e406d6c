// Mustache templates (kainjow/mustache) compiled into the binary, and the
// URLs of our static assets. {{name}} HTML-escapes, {{{name}}} does not and is
// used only for HTML we built and escaped ourselves.
#pragma once

#include <kainjow/mustache.hpp>
#include <string>
#include <string_view>

#include "paperpulse/base/result.h"

namespace paperpulse::http {

using TemplateData = kainjow::mustache::data;

class Templates {
 public:
  // Renders the embedded "templates/<name>.mustache" with `data`. Thread-safe
  // (each call parses its own copy: kainjow's renderer keeps state, and pages
  // are rendered once per cache period, so parsing is not on a hot path).
  // Errors: kInternal for an unknown or malformed template.
  Result<std::string> Render(std::string_view name, const TemplateData& data) const;
};

// The URL path an embedded static file is served at: "static/app.css" ->
// "/static/app.css", "katex/katex.min.js" -> "/static/katex/katex.min.js".
std::string StaticPath(std::string_view logical_path);

// The URL of the embedded static file `logical_path` ("static/app.css",
// "katex/katex.min.js") with a content fingerprint (?v=...), so it can be
// cached for a year and still change with a new binary.
std::string AssetUrl(std::string_view logical_path);

}  // namespace paperpulse::http
