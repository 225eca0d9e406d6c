#include "paperpulse/http/templates.h"

#include <cstdio>
#include <functional>
#include <map>

#include "paperpulse/http/assets.h"

namespace paperpulse::http {
std::string StaticPath(std::string_view logical_path) {
  std::string url = "/static/";
  if (logical_path.starts_with("static/")) logical_path.remove_prefix(7);
  url += logical_path;
  return url;
}

Result<std::string> Templates::Render(std::string_view name, const TemplateData& data) const {
  std::string path = "templates/";
  path += name;
  path += ".mustache";
  const Asset* asset = FindAsset(path);
  if (asset == nullptr) return Fail(ErrorCode::kInternal, "no template " + path);
  kainjow::mustache::mustache tmpl{std::string(asset->data)};
  if (!tmpl.is_valid()) return Fail(ErrorCode::kInternal, path + ": " + tmpl.error_message());
  std::string out = tmpl.render(data);
  if (!tmpl.is_valid()) return Fail(ErrorCode::kInternal, path + ": " + tmpl.error_message());
  return out;
}

std::string AssetUrl(std::string_view logical_path) {
  // Computed once: the assets are constant for the life of the binary.
  static const std::map<std::string, std::string, std::less<>> urls = [] {
    std::map<std::string, std::string, std::less<>> m;
    for (const Asset& a : EmbeddedAssets()) {
      char v[24];
      std::snprintf(v, sizeof v, "?v=%08zx", std::hash<std::string_view>{}(a.data) & 0xffffffff);
      m.emplace(std::string(a.path), StaticPath(a.path) + v);
    }
    return m;
  }();
  auto it = urls.find(logical_path);
  return it == urls.end() ? StaticPath(logical_path) : it->second;
}

}  // namespace paperpulse::http
