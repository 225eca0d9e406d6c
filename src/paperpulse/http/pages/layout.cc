#include <spdlog/spdlog.h>

#include "paperpulse/http/pages/pages.h"

namespace paperpulse::http {

Response TemplateErrorPage(const Error& e) {
  // A template that does not render is a bug in this binary; say so plainly
  // instead of sending half a page.
  spdlog::error("pages: {}", e.ToString());
  return MakeResponse(500, "text/plain; charset=utf-8", "internal error: template\n");
}

Response StoreErrorPage(const Context& ctx, const Error& e) {
  spdlog::error("pages: {}", e.ToString());
  return ErrorPage(ctx, 503, "The database is not answering right now. Please try again shortly.");
}

Response RenderPage(const Context& ctx, int status, std::string_view content_template,
                    TemplateData data, const PageInfo& info) {
  auto content = ctx.templates.Render(content_template, data);
  if (!content) return TemplateErrorPage(content.error());
  TemplateData layout;
  layout.set("content", *content);
  layout.set("title", info.title);
  if (!info.description.empty()) layout.set("description", info.description);
  if (!info.canonical_path.empty())
    layout.set("canonical", ctx.options.base_url + info.canonical_path);
  layout.set("query", info.query);
  if (!info.feed_url.empty()) {
    layout.set("feed_url", info.feed_url);
    layout.set("feed_title", info.feed_title);
  }
  layout.set("math", info.math);
  layout.set("header_search", info.header_search);
  layout.set("nav_daily", info.nav == PageInfo::Nav::kDaily);
  layout.set("nav_trending", info.nav == PageInfo::Nav::kTrending);
  layout.set("nav_search", info.nav == PageInfo::Nav::kSearch);
  layout.set("version", ctx.options.version);
  layout.set("css_url", AssetUrl("static/app.css"));
  layout.set("js_url", AssetUrl("static/app.js"));
  layout.set("favicon_url", AssetUrl("static/favicon.svg"));
  layout.set("katex_css_url", AssetUrl("katex/katex.min.css"));
  layout.set("katex_js_url", AssetUrl("katex/katex.min.js"));
  layout.set("katex_auto_url", AssetUrl("katex/auto-render.min.js"));
  auto html = ctx.templates.Render("layout", layout);
  if (!html) return TemplateErrorPage(html.error());
  return MakeResponse(status, "text/html; charset=utf-8", std::move(*html));
}

Response ErrorPage(const Context& ctx, int status, std::string_view message,
                   std::string_view query) {
  std::string heading;
  switch (status) {
    case 400:
      heading = "That address does not look right";
      break;
    case 404:
      heading = "Nothing here";
      break;
    case 503:
      heading = "Temporarily unavailable";
      break;
    default:
      heading = "Something went wrong";
      break;
  }
  TemplateData data;
  data.set("status", std::to_string(status));
  data.set("heading", heading);
  data.set("message", std::string(message));
  data.set("query", std::string(query));
  TemplateData links{TemplateData::type::list};
  for (auto [href, label] : {std::pair{"/", "Today's papers"}, {"/papers/trending", "Trending"}}) {
    TemplateData link;
    link.set("href", href);
    link.set("label", label);
    links.push_back(link);
  }
  data.set("links", links);
  PageInfo info;
  info.title = heading;
  info.query = std::string(query);
  info.header_search = false;  // the page's own search box is the big one
  Response r = RenderPage(ctx, status, "error", std::move(data), info);
  return r;
}

}  // namespace paperpulse::http
