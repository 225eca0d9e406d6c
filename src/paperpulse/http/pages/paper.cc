// The paper page ("/papers/{id}", with its discussion), its BibTeX
// ("/papers/{id}/bibtex") and its Markdown ("/papers/{id}.md", or the page
// asked for text/markdown).
#include <spdlog/spdlog.h>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/url.h"
#include "paperpulse/http/comments.h"
#include "paperpulse/http/library.h"
#include "paperpulse/http/markdown.h"
#include "paperpulse/http/pages/bibtex.h"
#include "paperpulse/http/pages/cards.h"
#include "paperpulse/http/pages/pages.h"
#include "paperpulse/http/pages/routes.h"
#include "paperpulse/http/paper_markdown.h"
#include "paperpulse/http/reading_lists.h"
#include "paperpulse/http/status.h"
#include "paperpulse/http/text.h"
#include "paperpulse/search/index.h"

namespace paperpulse::http {
namespace {

constexpr int kRelated = 6;

struct LoadedPaper {
  Paper paper;
  std::vector<DailyEntry> entries;  // newest first
  std::optional<PaperPopularity> popularity;
};

// The paper named by `raw_id`; nullopt when the id is malformed or unknown.
Result<std::optional<LoadedPaper>> LoadPaper(const Context& ctx, std::string_view raw_id) {
  auto id = ParseArxivId(raw_id);
  if (!id) return std::optional<LoadedPaper>();
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(std::optional<Paper> paper, store->GetPaper(id->base));
  if (!paper) return std::optional<LoadedPaper>();
  ASSIGN_OR_RETURN(auto entries, store->DailyEntriesForPaper(id->base));
  ASSIGN_OR_RETURN(auto popularity, store->GetPopularity(id->base));
  return std::optional<LoadedPaper>(
      LoadedPaper{std::move(*paper), std::move(entries), std::move(popularity)});
}

Response NoSuchPaper(const Context& ctx, std::string_view raw_id) {
  std::string shown(raw_id.substr(0, 80));
  auto id = ParseArxivId(raw_id);
  std::string message = id ? "There is no paper " + id->base + " here (yet)."
                           : "\"" + shown + "\" is not an arXiv id.";
  return ErrorPage(ctx, 404, message, CleanText(id ? id->base : shown));
}

void SetIfAny(TemplateData& data, const std::string& key, const std::string& value) {
  if (!value.empty()) data.set(key, value);
}

std::string SearchPath(std::string_view query) { return "/search?q=" + UrlEncode(query); }

// The organisation that submitted the paper, and Hugging Face's
// machine-written summary and keywords, when a listing has them.
void AddExtras(TemplateData& data, const std::vector<DailyEntry>& entries) {
  PaperExtras x = NewestExtras(entries);
  if (!x.organization.empty()) {
    data.set("org_href", OrganizationPath(x.organization));
    data.set("org_name",
             CleanText(x.organization_fullname.empty() ? x.organization : x.organization_fullname));
  }
  SetIfAny(data, "ai_summary", CleanText(x.ai_summary));
  TemplateData keywords{TemplateData::type::list};
  for (const std::string& k : x.ai_keywords) {
    TemplateData d;
    d.set("name", CleanText(k));
    // A phrase query: the keyword's words together, as they are meant.
    d.set("href", SearchPath("\"" + k + "\""));
    keywords.push_back(d);
  }
  if (!x.ai_keywords.empty()) {
    data.set("ai_keywords", keywords);
    data.set("has_ai_keywords", true);
  }
  data.set("has_ai", !x.ai_summary.empty() || !x.ai_keywords.empty());
}

// Community data over all the days the paper was listed: the best upvote
// and comment counts (numComments: imported and visible local comments)
// and the newest known links.
void AddCommunity(TemplateData& data, const std::vector<DailyEntry>& entries,
                  const std::optional<PaperPopularity>& popularity) {
  int64_t upvotes = 0, comments = 0, imported_comments = 0;
  std::string github, project;
  std::optional<int64_t> stars;
  TemplateData days{TemplateData::type::list};
  for (const DailyEntry& e : entries) {  // newest first
    upvotes = std::max(upvotes, e.upvotes);
    comments = std::max(comments, e.num_comments);
    imported_comments = std::max(imported_comments, e.num_comments - e.local_comments);
    if (github.empty() && IsHttpUrl(e.github_repo)) {
      github = e.github_repo;
      stars = e.github_stars;
    }
    if (project.empty() && IsHttpUrl(e.project_page)) project = e.project_page;
    auto day = ParseIsoDate(e.date);
    if (!day) continue;
    TemplateData d;
    d.set("href", PeriodPath({Period::Kind::kDay, *day, *day}));
    d.set("label", DisplayDate(e.date));
    if (!e.submitted_by.empty()) d.set("by", CleanText(e.submitted_by));
    days.push_back(d);
  }
  // Votes cast and comments written here count even for a paper on no list.
  if (popularity) {
    upvotes = std::max(upvotes, popularity->upvotes());
    if (entries.empty()) comments = popularity->local_comments;
  }
  data.set("upvotes", std::to_string(upvotes));
  data.set("num_comments", std::to_string(comments));
  if (comments > 0) data.set("comments_label", CommentsLabel(comments));
  if (imported_comments > 0) data.set("imported_comments_label", CommentsLabel(imported_comments));
  if (!github.empty()) {
    data.set("github_repo", github);
    if (stars) data.set("github_stars", std::to_string(*stars));
  }
  if (!project.empty()) data.set("project_page", project);
  if (!entries.empty()) data.set("listed", days);
}

void AddVersions(TemplateData& data, const Paper& p) {
  TemplateData versions{TemplateData::type::list};
  for (const PaperVersion& v : p.versions) {
    TemplateData d;
    // Built by appending: GCC 12 misreports "v" + std::to_string() as an
    // overlapping memcpy (-Wrestrict, GCC bug 105329).
    std::string number = "v";
    number += std::to_string(v.number);
    d.set("href", "https://arxiv.org/abs/" + p.id + number);
    d.set("number", number);
    SetIfAny(d, "date", DisplayDate(v.date));
    SetIfAny(d, "size", CleanText(v.size));
    versions.push_back(d);
  }
  if (!p.versions.empty()) {
    data.set("versions", versions);
    data.set("has_versions", true);
  }
}

// "Jun 30, 2026, 14:05 UTC" for a stored timestamp.
std::string CommentTime(std::string_view ts) {
  std::string label = DisplayDate(ts);
  if (ts.size() >= 16 && ts[10] == 'T') {
    label += ", ";
    label += ts.substr(11, 5);
    label += " UTC";
  }
  return label;
}

// One comment (comment_item.mustache) for `viewer`, and what the thread
// list needs of it. The list item sets every key the page template reads of
// it: mustache looks a missing key up in the enclosing comment, so a reply
// would otherwise take its parent's values.
Result<TemplateData> CommentItem(const Context& ctx, const ThreadItem& item,
                                 const std::optional<auth::Principal>& viewer, bool can_reply) {
  const Comment& c = item.comment;
  std::string base = "/papers/" + c.paper_id + "/comments/" + std::to_string(c.id);
  bool own = !item.placeholder && viewer && viewer->account.id == c.user_id && c.visible();
  TemplateData d;
  d.set("cid", std::to_string(c.id));
  d.set("placeholder", item.placeholder);
  if (!item.placeholder) {
    d.set("author", CommentAuthor(c));
    d.set("created_at", c.created_at);
    d.set("created_label", CommentTime(c.created_at));
    if (!c.edited_at.empty()) d.set("edited_label", CommentTime(c.edited_at));
    d.set("html", RenderCommentMarkdown(c.text));
    d.set("hidden", c.hidden);
  }
  if (own) {
    d.set("own", true);
    d.set("text", c.text);
    d.set("edit_action", base + "/edit");
    d.set("delete_action", base + "/delete");
    d.set("max_chars", std::to_string(kMaxCommentChars));
  }
  if (!item.placeholder && viewer && viewer->account.is_admin) d.set("hide_action", base + "/hide");
  if (viewer) d.set("csrf_token", viewer->csrf_token);
  ASSIGN_OR_RETURN(std::string html, ctx.templates.Render("comment_item", d));
  TemplateData li;
  li.set("cid", std::to_string(c.id));
  li.set("author", item.placeholder ? std::string() : CommentAuthor(c));
  li.set("hidden", !item.placeholder && c.hidden);
  li.set("item_html", html);
  li.set("can_reply", can_reply && !item.placeholder && c.parent_id == 0 && c.visible());
  li.set("replies", TemplateData{TemplateData::type::list});
  li.set("has_replies", false);
  return li;
}

// The discussion: the thread (top-level comments, each with its replies)
// and the forms `viewer` may use. The page shows without it, saying so,
// when the Store cannot answer.
Status AddDiscussion(const Context& ctx, TemplateData& data, const Paper& p,
                     const std::optional<auth::Principal>& viewer) {
  data.set("comments_feed_url", "/papers/" + p.id + "/comments.atom");
  data.set("max_comment_chars", std::to_string(kMaxCommentChars));
  bool can_write = viewer && !viewer->account.name.empty();
  if (can_write) {
    data.set("can_comment", true);
  } else if (viewer) {
    data.set("settings_href", "/settings?next=" + UrlEncode("/papers/" + p.id + "#discussion"));
  } else {
    data.set("login_href", LoginPath("/papers/" + p.id));
  }
  auto store = ctx.stores.Acquire();
  auto thread = store ? PaperThread(**store, p.id, viewer ? &*viewer : nullptr)
                      : Result<std::vector<ThreadItem>>(tl::unexpected(store.error()));
  if (!thread) {
    spdlog::warn("pages: comments of {}: {}", p.id, thread.error().ToString());
    data.set("discussion_message", "The discussion cannot be shown right now.");
    return Ok();
  }
  TemplateData top{TemplateData::type::list};
  std::optional<TemplateData> open;  // the top-level comment whose replies come
  TemplateData replies{TemplateData::type::list};
  int64_t shown = 0;
  auto close = [&] {
    if (!open) return;
    open->set("has_replies", !replies.is_empty_list());
    open->set("replies", replies);
    top.push_back(*open);
    open.reset();
    replies = TemplateData{TemplateData::type::list};
  };
  for (const ThreadItem& item : *thread) {
    if (!item.placeholder && item.comment.visible()) ++shown;
    ASSIGN_OR_RETURN(TemplateData li, CommentItem(ctx, item, viewer, can_write));
    if (item.comment.parent_id == 0) {
      close();
      open = std::move(li);
    } else if (open) {
      replies.push_back(li);
    }
  }
  close();
  data.set("has_comments", !top.is_empty_list());
  data.set("comments", top);
  if (shown > 0) data.set("discussion_count", std::to_string(shown));
  return Ok();
}

// Related papers from the search index. The page shows without them when
// there is no index or it cannot answer.
void AddRelated(const Context& ctx, TemplateData& data, const Paper& p, const Request& req,
                const std::optional<auth::Principal>& viewer) {
  if (ctx.index == nullptr) return;
  auto related = ctx.index->Related(p.id, kRelated);
  if (!related) {
    if (related.error().code == ErrorCode::kUnavailable) {
      data.set("related_message", "Related papers appear once the search index is built.");
    } else if (related.error().code != ErrorCode::kNotFound) {
      spdlog::warn("pages: related papers of {}: {}", p.id, related.error().ToString());
    }
    return;
  }
  if (related->empty()) return;
  TemplateData cards{TemplateData::type::list};
  for (const auto& hit : *related) cards.push_back(SearchCard(hit));
  auto html = RenderCards(ctx, cards, ViewerOfCards(ctx, req, viewer, cards), /*compact=*/true);
  if (!html) {
    spdlog::error("pages: {}", html.error().ToString());
    return;
  }
  data.set("related_html", *html);
}

Response PaperPage(const Context& ctx, const Request& req, std::string_view raw_id) {
  auto loaded = LoadPaper(ctx, raw_id);
  if (!loaded) return StoreErrorPage(ctx, loaded.error());
  if (!*loaded) return NoSuchPaper(ctx, raw_id);
  const Paper& p = (*loaded)->paper;

  TemplateData data;
  std::string title = CleanText(p.title.empty() ? p.id : p.title);
  data.set("id", p.id);
  data.set("title", title);
  SetIfAny(data, "abstract", CleanText(p.abstract));
  TemplateData authors{TemplateData::type::list};
  for (size_t i = 0; i < p.authors.size(); ++i) {
    TemplateData a;
    a.set("name", CleanText(p.authors[i]));
    a.set("href", AuthorPath(p.authors[i]));
    a.set("last", i + 1 == p.authors.size());
    authors.push_back(a);
  }
  if (!p.authors.empty()) data.set("authors", authors);
  data.set("abs_url", "https://arxiv.org/abs/" + p.id);
  data.set("pdf_url", "https://arxiv.org/pdf/" + p.id);
  data.set("bibtex_url", "/papers/" + p.id + "/bibtex");
  data.set("bibtex", CleanText(Bibtex(p)));
  data.set("api_url", "/api/papers/" + p.id);
  data.set("markdown_url", "/papers/" + p.id + ".md");
  SetIfAny(data, "submitted", DisplayDate(p.submitted));
  if (!p.updated.empty() && p.updated.substr(0, 10) != p.submitted.substr(0, 10)) {
    data.set("updated", DisplayDate(p.updated));
  }
  TemplateData cats{TemplateData::type::list};
  for (size_t i = 0; i < p.categories.size(); ++i) {
    TemplateData c;
    c.set("name", CleanText(p.categories[i]));
    c.set("href", SearchPath("cat:" + p.categories[i]));
    c.set("primary", i == 0);
    cats.push_back(c);
  }
  if (!p.categories.empty()) {
    data.set("categories", cats);
    data.set("has_categories", true);
  }
  SetIfAny(data, "arxiv_comments", CleanText(p.comments));
  SetIfAny(data, "journal_ref", CleanText(p.journal_ref));
  if (!p.doi.empty()) {
    data.set("doi", CleanText(p.doi));
    std::string url = "https://doi.org/" + p.doi;
    if (IsHttpUrl(url)) data.set("doi_url", url);
  }
  if (IsHttpUrl(p.license)) {
    data.set("license_url", p.license);
  } else {
    SetIfAny(data, "license", CleanText(p.license));
  }
  AddCommunity(data, (*loaded)->entries, (*loaded)->popularity);
  AddExtras(data, (*loaded)->entries);
  AddVersions(data, p);
  auto viewer = PageViewer(ctx, req);
  if (Status s = AddDiscussion(ctx, data, p, viewer); !s) return TemplateErrorPage(s.error());
  // The big vote button is a one-card list's button: same form, same state.
  TemplateData self{TemplateData::type::list};
  TemplateData self_card;
  self_card.set("id", p.id);
  self.push_back(self_card);
  CardViewer vote = ViewerOfCards(ctx, req, viewer, self);
  data.set("viewer_csrf", vote.csrf_token);
  data.set("next_path", vote.next_path);
  data.set("voted", !vote.voted.empty());
  std::string self_path = "/papers/" + p.id;
  data.set("save_form_html", SaveFormHtml(ctx, viewer, p.id, self_path));
  data.set("add_to_list_html", AddToListFormHtml(ctx, viewer, p.id, self_path));
  AddRelated(ctx, data, p, req, viewer);

  PageInfo info;
  info.title = title;
  info.description = CleanText(Excerpt(p.abstract, 200));
  info.canonical_path = self_path;
  info.feed_url = self_path + "/comments.atom";
  info.feed_title = "Comments on arXiv:" + p.id;
  info.markdown_url = self_path + ".md";
  info.math = true;
  info.viewer = std::move(viewer);
  return RenderPage(ctx, 200, "paper", std::move(data), info);
}

// The paper as Markdown; errors as plain text, like the BibTeX's.
Response MarkdownPage(const Context& ctx, std::string_view raw_id) {
  auto loaded = LoadPaper(ctx, raw_id);
  if (!loaded) {
    return MakeResponse(HttpStatus(loaded.error().code), "text/plain; charset=utf-8",
                        ClientMessage(loaded.error(), "pages") + "\n");
  }
  if (!*loaded) return MakeResponse(404, "text/plain; charset=utf-8", "no such paper\n");
  Response r =
      MakeResponse(200, "text/markdown; charset=utf-8",
                   PaperMarkdown((*loaded)->paper, (*loaded)->entries, ctx.options.base_url));
  // Shown as text even by a browser that would guess otherwise.
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

// The paper page, or its Markdown when the request's Accept prefers it.
// Either answer carries Vary: Accept, so that caches keep them apart; the
// page also names its Markdown in a Link header (RFC 8288), for clients
// that read headers only.
Response NegotiatedPaperPage(const Context& ctx, const Request& req, std::string_view raw_id) {
  bool markdown = PrefersMarkdown(req.Header("accept"));
  Response r = markdown ? MarkdownPage(ctx, raw_id) : PaperPage(ctx, req, raw_id);
  r.headers.emplace_back("Vary", "Accept");
  if (!markdown && r.status == 200) {
    if (auto id = ParseArxivId(raw_id)) {
      r.headers.emplace_back(
          "Link", "</papers/" + id->base + ".md>; rel=\"alternate\"; type=\"text/markdown\"");
    }
  }
  return r;
}

Response BibtexPage(const Context& ctx, std::string_view raw_id) {
  auto loaded = LoadPaper(ctx, raw_id);
  if (!loaded) {
    return MakeResponse(HttpStatus(loaded.error().code), "text/plain; charset=utf-8",
                        ClientMessage(loaded.error(), "pages") + "\n");
  }
  if (!*loaded) {
    return MakeResponse(404, "text/plain; charset=utf-8", "no such paper\n");
  }
  return MakeResponse(200, "text/plain; charset=utf-8", CleanText(Bibtex((*loaded)->paper)));
}

}  // namespace

void AddPaperRoutes(Router& router, const Context& ctx) {
  router.Add(
      {"paper_bibtex", "/papers/{id...}/bibtex", [&ctx](const Request&, const PathParams& params) {
         return BibtexPage(ctx, params.Get("id"));
       }});
  router.Add(
      {"paper_markdown", "/papers/{id...}.md", [&ctx](const Request&, const PathParams& params) {
         return MarkdownPage(ctx, params.Get("id"));
       }});
  router.Add({.name = "paper",
              .pattern = "/papers/{id...}",
              .handler =
                  [&ctx](const Request& req, const PathParams& params) {
                    return NegotiatedPaperPage(ctx, req, params.Get("id"));
                  },
              .variant =
                  [](const Request& req) {
                    return std::string(PrefersMarkdown(req.Header("accept")) ? "markdown" : "");
                  }});
}

}  // namespace paperpulse::http
