#include <spdlog/spdlog.h>

#include "paperpulse/http/pages/pages.h"
#include "paperpulse/http/status.h"

namespace paperpulse::http {

Response TemplateErrorPage(const Error& e) {
  // A template that does not render is a bug in this binary; say so plainly
  // instead of sending half a page.
  spdlog::error("pages: {}", e.ToString());
  return MakeResponse(500, "text/plain; charset=utf-8", "internal error: template\n");
}

Response StoreErrorPage(const Context& ctx, const Error& e) {
  int status = HttpStatus(e.code);
  if (status < 500) return ErrorPage(ctx, status, e.message);
  // The details (SQL, file names) stay in the log.
  spdlog::error("pages: {}", e.ToString());
  return ErrorPage(ctx, status,
                   status == 503
                       ? "The database is not answering right now. Please try again shortly."
                       : "Something went wrong on our side. It has been logged.");
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
  if (!info.markdown_url.empty()) layout.set("markdown_url", info.markdown_url);
  layout.set("math", info.math);
  layout.set("header_search", info.header_search);
  layout.set("nav_daily", info.nav == PageInfo::Nav::kDaily);
  layout.set("nav_trending", info.nav == PageInfo::Nav::kTrending);
  layout.set("nav_search", info.nav == PageInfo::Nav::kSearch);
  layout.set("nav_library", info.nav == PageInfo::Nav::kLibrary);
  layout.set("nav_lists", info.nav == PageInfo::Nav::kLists);
  if (info.viewer) {
    const Account& a = info.viewer->account;
    layout.set("viewer_name", a.name.empty() ? a.email.substr(0, a.email.find('@')) : a.name);
    if (!info.viewer->csrf_token.empty()) layout.set("csrf_token", info.viewer->csrf_token);
  }
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
    case 401:
      heading = "Please sign in";
      break;
    case 403:
      heading = "Not allowed";
      break;
    case 404:
      heading = "Nothing here";
      break;
    case 409:
      heading = "Already there";
      break;
    case 429:
      heading = "Too many requests";
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
