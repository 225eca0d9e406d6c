// The reading list pages (http/reading_lists.h): /lists (the signed-in
// reader's lists and the form that creates one), /lists/{owner} (their
// public lists), /lists/{owner}/{slug}[?key=SECRET] (the list, and for its
// owner the forms that edit it), its Atom feed and its BibTeX; and the form
// targets that work without JavaScript, each answering with a redirect
// (303) back to a page. Readers other than the owner get the same 404 for a
// list they may not see as for a missing one, on every route.
#include "paperpulse/http/reading_lists.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/http/community.h"
#include "paperpulse/http/feeds/atom.h"
#include "paperpulse/http/pages/bibtex.h"
#include "paperpulse/http/pages/cards.h"
#include "paperpulse/http/pages/pages.h"
#include "paperpulse/http/pages/routes.h"
#include "paperpulse/http/status.h"
#include "paperpulse/http/text.h"

namespace paperpulse::http {
namespace {

constexpr size_t kMaxShownError = 300;

std::string PapersLabel(int64_t n) { return std::to_string(n) + (n == 1 ? " paper" : " papers"); }

std::string VisibilityLabel(ListVisibility v) {
  switch (v) {
    case ListVisibility::kPublic:
      return "Public";
    case ListVisibility::kUnlisted:
      return "Unlisted";
    case ListVisibility::kPrivate:
      return "Private";
  }
  return "Private";
}

std::string VisibilityHelp(ListVisibility v) {
  switch (v) {
    case ListVisibility::kPublic:
      return "Anyone can see this list; it is listed on your page.";
    case ListVisibility::kUnlisted:
      return "Only people with the secret link can see this list.";
    case ListVisibility::kPrivate:
      return "Only you can see this list.";
  }
  return "";
}

void SetIfAny(TemplateData& data, const std::string& key, const std::string& value) {
  if (!value.empty()) data.set(key, value);
}

// "?key=SECRET" to carry a reader's secret on to the list's feed, BibTeX
// and JSON; "" without one.
std::string KeyQuery(std::string_view key) {
  return key.empty() ? std::string() : "?key=" + UrlEncode(key);
}

// The error message a redirect carried back to a page (?error=...).
std::string ShownError(const Request& req) {
  return CleanText(req.Param("error").substr(0, kMaxShownError));
}

// ---- /lists and /lists/{owner}

TemplateData ListRows(const std::vector<ReadingList>& lists, bool show_visibility) {
  TemplateData rows{TemplateData::type::list};
  for (const ReadingList& l : lists) {
    TemplateData row;
    row.set("href", ListPath(l));
    row.set("title", CleanText(l.title));
    row.set("size_label", PapersLabel(l.size));
    SetIfAny(row, "updated_label", DisplayDate(l.updated_at));
    SetIfAny(row, "description", CleanText(Excerpt(l.description, 240)));
    row.set("show_visibility", show_visibility);
    row.set("visibility", std::string(ListVisibilityName(l.visibility)));
    row.set("visibility_label", VisibilityLabel(l.visibility));
    rows.push_back(row);
  }
  return rows;
}

// What the create form shows again after a refusal.
struct CreateForm {
  std::string title;
  std::string slug;
  std::string description;
  std::string visibility = "private";
  std::string paper;  // a paper to put on the new list (from "New list with this paper")
};

CreateForm FormOfBody(const Fields& body) {
  CreateForm f;
  f.title = body.Get("title").value_or("");
  f.slug = body.Get("slug").value_or("");
  f.description = body.Get("description").value_or("");
  f.visibility = body.Get("visibility").value_or("private");
  f.paper = body.Get("paper").value_or("");
  return f;
}

Response OwnListsPage(const Context& ctx, int status, const auth::Principal& viewer,
                      const CreateForm& form, std::string_view error) {
  auto store = ctx.stores.Acquire();
  if (!store) return StoreErrorPage(ctx, store.error());
  auto lists = OwnLists(**store, viewer);
  if (!lists) return StoreErrorPage(ctx, lists.error());
  std::string problem = ListOwnerNameProblem(viewer.account);
  TemplateData data;
  data.set("heading", "Your reading lists");
  data.set("lists", ListRows(*lists, /*show_visibility=*/true));
  data.set("has_lists", !lists->empty());
  data.set("empty_message",
           "You have no reading lists yet. A list keeps papers in the order you choose, with a "
           "note on each; share it, keep it to a secret link, or keep it to yourself.");
  if (!problem.empty()) data.set("settings_href", "/settings?next=" + UrlEncode("/lists"));
  if (!error.empty()) data.set("error", std::string(error));
  if (problem.empty()) {
    data.set("can_create", true);
    data.set("csrf_token", viewer.csrf_token);
    data.set("owner", viewer.account.name);
    data.set("form_title", form.title);
    data.set("form_slug", form.slug);
    data.set("form_description", form.description);
    data.set("form_public", form.visibility == "public");
    data.set("form_unlisted", form.visibility == "unlisted");
    data.set("form_private", form.visibility != "public" && form.visibility != "unlisted");
    SetIfAny(data, "paper", CleanText(form.paper.substr(0, 100)));
  } else if (error.empty()) {
    data.set("needs_name", true);
  }
  PageInfo info;
  info.title = "Your reading lists";
  info.canonical_path = "/lists";
  info.nav = PageInfo::Nav::kLists;
  info.viewer = viewer;
  Response r = RenderPage(ctx, status, "lists", std::move(data), info);
  r.cache = CachePolicy::kPrivate;
  return r;
}

Response GetOwnLists(const Context& ctx, const Request& req) {
  auto viewer = PageViewer(ctx, req);
  if (!viewer) return SeeOther(LoginPath(req.target));
  CreateForm form;
  form.paper = std::string(req.Param("paper"));
  return OwnListsPage(ctx, 200, *viewer, form, ShownError(req));
}

Response PostCreate(const Context& ctx, const Request& req) {
  return WithFormWriter(
      ctx, req,
      [&](storage::Store& store, const auth::Principal& who, const Fields& body,
          const std::string&) {
        CreateForm form = FormOfBody(body);
        if (std::string problem = ListOwnerNameProblem(who.account); !problem.empty()) {
          problem[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(problem[0])));
          return OwnListsPage(ctx, 409, who, form, problem);
        }
        auto made = CreateList(ctx, store, who, body);
        if (!made) {
          int status = HttpStatus(made.error().code);
          if (status >= 500 || status == 429) return FormErrorPage(ctx, made.error());
          return OwnListsPage(ctx, status, who, form, ClientMessage(made.error(), "pages"));
        }
        std::string location = ListPath(made->list) + KeyQuery(made->secret);
        if (!TrimView(form.paper).empty()) {
          auto put = PutListPaper(ctx, store, who, made->list, form.paper, Fields(), PutMode::kAdd);
          if (!put) {
            location += made->secret.empty() ? "?" : "&";
            location += "error=" + UrlEncode(ClientMessage(put.error(), "pages"));
          }
        }
        // An unlisted list opens at its secret link, shown once.
        return SeeOther(location + (made->secret.empty() ? "" : "#share"));
      });
}

Response OwnerPage(const Context& ctx, const Request& req, std::string_view owner) {
  auto store = ctx.stores.Acquire();
  if (!store) return StoreErrorPage(ctx, store.error());
  auto account = (*store)->GetAccountByName(owner);
  if (!account) return StoreErrorPage(ctx, account.error());
  if (!*account || (*account)->banned) {
    return ErrorPage(ctx, 404,
                     "There is no reader named \"" + std::string(owner.substr(0, 80)) + "\" here.");
  }
  auto lists = (*store)->ReadingListsOf((*account)->id);
  if (!lists) return StoreErrorPage(ctx, lists.error());
  std::erase_if(*lists,
                [](const ReadingList& l) { return l.visibility != ListVisibility::kPublic; });
  auto viewer = PageViewer(ctx, req);
  const std::string& name = (*account)->name;
  TemplateData data;
  data.set("heading", "Reading lists by " + name);
  data.set("lists", ListRows(*lists, /*show_visibility=*/false));
  data.set("has_lists", !lists->empty());
  data.set("empty_message", name + " has no public reading lists.");
  if (viewer && viewer->account.id == (*account)->id) {
    data.set("owner_hint", "Others see your public lists here; unlisted and private ones are on");
  }
  PageInfo info;
  info.title = "Reading lists by " + name;
  info.canonical_path = ListOwnerPath(name);
  info.nav = PageInfo::Nav::kLists;
  info.viewer = std::move(viewer);
  return RenderPage(ctx, 200, "lists", std::move(data), info);
}

// ---- /lists/{owner}/{slug}

TemplateData ListCard(const ListPaper& p, bool first, bool last, const std::string& base) {
  DailyItem item = ListedItem(p.paper, p.listing);
  // Who put it on a daily list is not what this list is about.
  item.entry.submitted_by.clear();
  TemplateData card = DailyCard(item, /*show_date=*/false);
  card.set("position", std::to_string(p.item.position + 1));
  SetIfAny(card, "note", CleanText(p.item.note));
  SetIfAny(card, "added_label", DisplayDate(p.item.added_at));
  card.set("first", first);
  card.set("last", last);
  std::string paper_base = base + "/papers/" + p.paper.id;
  card.set("note_action", paper_base + "/note");
  card.set("move_action", paper_base + "/move");
  card.set("remove_action", paper_base + "/remove");
  return card;
}

Response ListPage(const Context& ctx, const Request& req, const PathParams& params) {
  auto viewer = PageViewer(ctx, req);
  auto store = ctx.stores.Acquire();
  if (!store) return StoreErrorPage(ctx, store.error());
  std::string_view key = req.Param("key");
  auto found = FindVisibleList(**store, params.Get("owner"), params.Get("slug"), viewer, key);
  if (!found) {
    if (found.error().code != ErrorCode::kNotFound) return StoreErrorPage(ctx, found.error());
    // The same page whether the list is missing or not shared with this
    // reader.
    return ErrorPage(ctx, 404,
                     "There is no reading list at this address, or it is not shared with you. "
                     "If it is your own list, sign in to see it.");
  }
  const ReadingList& list = found->list;
  bool owner = found->access == ListAccess::kOwner;
  auto papers = LoadListPapers(**store, list);
  if (!papers) return StoreErrorPage(ctx, papers.error());

  std::string base = ListPath(list);
  std::string query = KeyQuery(ListSecretMatches(list, key) ? key : "");
  TemplateData cards{TemplateData::type::list};
  for (size_t i = 0; i < papers->size(); ++i) {
    cards.push_back(ListCard((*papers)[i], i == 0, i + 1 == papers->size(), base));
  }
  CardViewer votes = ViewerOfCards(ctx, req, viewer, cards);
  std::set<std::string> voted(votes.voted.begin(), votes.voted.end());
  TemplateData marked{TemplateData::type::list};
  for (const TemplateData& card : cards.list_value()) {
    TemplateData copy = card;
    const TemplateData* id = card.get("id");
    if (id && id->is_string() && voted.count(id->string_value())) copy.set("voted", true);
    marked.push_back(copy);
  }

  TemplateData data;
  data.set("title", CleanText(list.title));
  data.set("slug", list.slug);
  data.set("owner", CleanText(list.owner_name));
  data.set("owner_href", ListOwnerPath(list.owner_name));
  SetIfAny(data, "description", CleanText(list.description));
  data.set("size_label", PapersLabel(static_cast<int64_t>(papers->size())));
  SetIfAny(data, "updated_label", DisplayDate(list.updated_at));
  data.set("cards", marked);
  data.set("has_cards", !papers->empty());
  data.set("viewer_csrf", votes.csrf_token);
  // Back to this very address after a vote (and a sign-in): with its key.
  data.set("next_path", SafeNextPath(req.target));
  data.set("feed_href", base + "/feed.atom" + query);
  data.set("bibtex_href", base + "/bibtex" + query);
  data.set("json_href", "/api" + base + query);
  data.set("visibility", std::string(ListVisibilityName(list.visibility)));
  data.set("visibility_label", VisibilityLabel(list.visibility));
  data.set("visibility_help", VisibilityHelp(list.visibility));
  // Readers through the secret link learn that it is one (not to pass it
  // on carelessly); a public list needs no badge for them.
  data.set("show_visibility", owner || list.visibility != ListVisibility::kPublic);
  data.set("is_public", list.visibility == ListVisibility::kPublic);
  data.set("is_unlisted", list.visibility == ListVisibility::kUnlisted);
  data.set("is_private", list.visibility == ListVisibility::kPrivate);
  data.set("is_owner", owner);
  if (owner) {
    data.set("csrf_token", viewer->csrf_token);
    SetIfAny(data, "error", ShownError(req));
    if (!query.empty()) data.set("secret_url", SecretListUrl(ctx, list, key));
    data.set("edit_action", base + "/edit");
    data.set("delete_action", base + "/delete");
    data.set("secret_action", base + "/secret");
    data.set("add_action", base + "/papers");
    if (list.visibility == ListVisibility::kPrivate) {
      data.set("private_hint",
               "The feed, BibTeX and JSON of a private list open only while you are signed in "
               "here; make it unlisted to give a feed reader or a colleague a link.");
    }
  }

  PageInfo info;
  info.title = CleanText(list.title);
  info.description = CleanText(Excerpt(list.description, 200));
  // Only a public list has an address worth indexing.
  if (list.visibility == ListVisibility::kPublic) info.canonical_path = base;
  if (owner || list.visibility != ListVisibility::kPrivate) {
    info.feed_url = base + "/feed.atom" + query;
    info.feed_title = CleanText(list.title) + " (reading list)";
  }
  info.math = true;
  info.nav = PageInfo::Nav::kLists;
  info.viewer = std::move(viewer);
  Response r = RenderPage(ctx, 200, "reading_list", std::move(data), info);
  if (owner) r.cache = CachePolicy::kPrivate;
  return r;
}

// Feeds and BibTeX are read by programs: plain-text errors.
Response TextError(const Error& e) {
  Response r = MakeResponse(HttpStatus(e.code), "text/plain; charset=utf-8",
                            ClientMessage(e, "pages") + "\n");
  r.cache = CachePolicy::kNoStore;
  AddRetryAfter(r, e);
  return r;
}

struct LoadedList {
  ReadingList list;
  std::vector<ListPaper> papers;
};

Result<LoadedList> LoadReadable(const Context& ctx, const Request& req, const PathParams& params) {
  auto viewer = PageViewer(ctx, req);
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(VisibleList v, FindVisibleList(*store, params.Get("owner"), params.Get("slug"),
                                                  viewer, req.Param("key")));
  ASSIGN_OR_RETURN(std::vector<ListPaper> papers, LoadListPapers(*store, v.list));
  return LoadedList{std::move(v.list), std::move(papers)};
}

AtomEntry ListEntry(const Context& ctx, const ListPaper& p) {
  const Paper& paper = p.paper;
  AtomEntry e;
  // The ids of the site's other feeds: a reader shows a paper once.
  e.id = "https://arxiv.org/abs/" + paper.id;
  e.title = paper.title.empty() ? paper.id : paper.title;
  e.link = ctx.options.base_url + "/papers/" + paper.id;
  e.related_link = e.id;
  e.published = Rfc3339(paper.submitted, "");
  if (e.published.empty() && !paper.versions.empty()) {
    e.published = Rfc3339(paper.versions.front().date, "");
  }
  // When it came onto the list: what a subscriber of the list calls new.
  e.updated = Rfc3339(p.item.added_at);
  e.authors = paper.authors;
  e.categories = paper.categories;
  e.summary =
      p.item.note.empty() ? paper.abstract : "Note: " + p.item.note + "\n\n" + paper.abstract;
  return e;
}

Response FeedOf(const Context& ctx, const Request& req, const PathParams& params) {
  auto loaded = LoadReadable(ctx, req, params);
  if (!loaded) return TextError(loaded.error());
  const ReadingList& list = loaded->list;
  std::vector<const ListPaper*> newest;
  for (const ListPaper& p : loaded->papers) newest.push_back(&p);
  // Newest additions first; of those added in the same second, the later
  // position first (added last).
  std::stable_sort(newest.begin(), newest.end(), [](const ListPaper* a, const ListPaper* b) {
    std::string ta = Rfc3339(a->item.added_at), tb = Rfc3339(b->item.added_at);
    return ta != tb ? ta > tb : a->item.position > b->item.position;
  });
  std::string path = ListPath(list);
  AtomFeed feed;
  feed.id = ctx.options.base_url + path + "/feed.atom";
  feed.title = list.title + " (reading list by " + list.owner_name + ")";
  feed.subtitle = list.description.empty()
                      ? "Papers on " + list.owner_name + "'s reading list, newest additions first"
                      : list.description;
  feed.self_link = ctx.options.base_url + req.target;
  feed.alternate_link = ctx.options.base_url + path + KeyQuery(req.Param("key"));
  // A removal or an edit changes the feed too, not only an addition.
  feed.updated = Rfc3339(list.updated_at);
  for (const ListPaper* p : newest) {
    feed.entries.push_back(ListEntry(ctx, *p));
    feed.updated = std::max(feed.updated, feed.entries.back().updated);
  }
  return MakeResponse(200, "application/atom+xml; charset=utf-8", RenderAtom(feed));
}

// One BibTeX file of the list in its order.
std::string ListBibtex(const std::vector<ListPaper>& papers) {
  std::vector<BibtexFileEntry> entries;
  entries.reserve(papers.size());
  for (const ListPaper& p : papers) entries.push_back({&p.paper, {}});
  return BibtexFile(entries);
}

Response BibtexOf(const Context& ctx, const Request& req, const PathParams& params, bool download) {
  auto loaded = LoadReadable(ctx, req, params);
  if (!loaded) return TextError(loaded.error());
  if (!download) {
    return MakeResponse(200, "text/plain; charset=utf-8", ListBibtex(loaded->papers));
  }
  Response r = MakeResponse(200, "application/x-bibtex; charset=utf-8", ListBibtex(loaded->papers));
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"" + loaded->list.slug + ".bib\"");
  return r;
}

// ---- The owner's forms.

// Runs `action(store, who, list, body)` for the owner of the list of the
// path and answers its result: a redirect to `back(list)` on success, to
// the list page with the message for a refused input (4xx other than 429),
// or an error page (not the owner: 404; rate limits, failures).
template <typename Fn>
Response OwnerForm(const Context& ctx, const Request& req, const PathParams& params, Fn action) {
  return WithFormWriter(
      ctx, req,
      [&](storage::Store& store, const auth::Principal& who, const Fields& body,
          const std::string&) {
        auto list = FindOwnList(store, who, params.Get("owner"), params.Get("slug"));
        if (!list) return FormErrorPage(ctx, list.error());
        Result<std::string> location = action(store, who, *list, body);
        if (location) return SeeOther(std::move(*location));
        int status = HttpStatus(location.error().code);
        if (status >= 500 || status == 429) return FormErrorPage(ctx, location.error());
        return SeeOther(ListPath(*list) +
                        "?error=" + UrlEncode(ClientMessage(location.error(), "pages")));
      });
}

std::string PaperAnchor(std::string_view paper_id) {
  auto id = ParseArxivId(paper_id);
  return id ? "#paper-" + id->base : "";
}

Response PostEdit(const Context& ctx, const Request& req, const PathParams& params) {
  return OwnerForm(ctx, req, params,
                   [&](storage::Store& store, const auth::Principal& who, const ReadingList& list,
                       const Fields& body) -> Result<std::string> {
                     ASSIGN_OR_RETURN(ListChange c, UpdateList(ctx, store, who, list, body));
                     return ListPath(c.list) + KeyQuery(c.secret) +
                            (c.secret.empty() ? "" : "#share");
                   });
}

Response PostNewSecret(const Context& ctx, const Request& req, const PathParams& params) {
  return OwnerForm(ctx, req, params,
                   [&](storage::Store& store, const auth::Principal& who, const ReadingList& list,
                       const Fields&) -> Result<std::string> {
                     Fields change;
                     change.Add("newSecret", "true");
                     ASSIGN_OR_RETURN(ListChange c, UpdateList(ctx, store, who, list, change));
                     return ListPath(c.list) + KeyQuery(c.secret) + "#share";
                   });
}

Response PostDelete(const Context& ctx, const Request& req, const PathParams& params) {
  return OwnerForm(ctx, req, params,
                   [&](storage::Store& store, const auth::Principal& who, const ReadingList& list,
                       const Fields&) -> Result<std::string> {
                     RETURN_IF_ERROR(DeleteList(ctx, store, who, list));
                     return std::string("/lists");
                   });
}

Response PostAddPaper(const Context& ctx, const Request& req, const PathParams& params) {
  return OwnerForm(ctx, req, params,
                   [&](storage::Store& store, const auth::Principal& who, const ReadingList& list,
                       const Fields& body) -> Result<std::string> {
                     ASSIGN_OR_RETURN(std::string id, body.Get("id"));
                     ASSIGN_OR_RETURN(PutOutcome put,
                                      PutListPaper(ctx, store, who, list, id, body, PutMode::kAdd));
                     return ListPath(list) + "#paper-" + put.paper.paper.id;
                   });
}

Response PostNote(const Context& ctx, const Request& req, const PathParams& params) {
  return OwnerForm(ctx, req, params,
                   [&](storage::Store& store, const auth::Principal& who, const ReadingList& list,
                       const Fields& body) -> Result<std::string> {
                     Fields change;
                     change.Add("note", body.Get("note").value_or(""));
                     ASSIGN_OR_RETURN(PutOutcome put,
                                      PutListPaper(ctx, store, who, list, params.Get("id"), change,
                                                   PutMode::kUpdate));
                     return ListPath(list) + "#paper-" + put.paper.paper.id;
                   });
}

Response PostMove(const Context& ctx, const Request& req, const PathParams& params) {
  return OwnerForm(ctx, req, params,
                   [&](storage::Store& store, const auth::Principal& who, const ReadingList& list,
                       const Fields& body) -> Result<std::string> {
                     ASSIGN_OR_RETURN(std::string direction, body.Get("direction"));
                     int64_t delta = 0;
                     if (direction == "up") {
                       delta = -1;
                     } else if (direction == "down") {
                       delta = 1;
                     } else if (direction == "top") {
                       delta = -kMaxListPapers;
                     } else if (direction == "bottom") {
                       delta = kMaxListPapers;
                     } else {
                       return Fail(ErrorCode::kInvalidArgument,
                                   "direction: expected up, down, top or bottom");
                     }
                     RETURN_IF_ERROR(MoveListPaper(ctx, store, who, list, params.Get("id"), delta));
                     return ListPath(list) + PaperAnchor(params.Get("id"));
                   });
}

Response PostRemove(const Context& ctx, const Request& req, const PathParams& params) {
  return OwnerForm(ctx, req, params,
                   [&](storage::Store& store, const auth::Principal& who, const ReadingList& list,
                       const Fields&) -> Result<std::string> {
                     RETURN_IF_ERROR(RemoveListPaper(ctx, store, who, list, params.Get("id")));
                     return ListPath(list);
                   });
}

// The "Add to list" control of a paper page: the list is one of the
// writer's own, by slug; back to the paper.
Response PostAddFromPaper(const Context& ctx, const Request& req) {
  return WithFormWriter(
      ctx, req,
      [&](storage::Store& store, const auth::Principal& who, const Fields& body,
          const std::string& next) {
        auto list = FindOwnList(store, who, who.account.name, body.Get("list").value_or(""));
        if (!list) return FormErrorPage(ctx, list.error());
        auto put =
            PutListPaper(ctx, store, who, *list, body.Get("id").value_or(""), body, PutMode::kAdd);
        if (!put) return FormErrorPage(ctx, put.error());
        return SeeOther(next);
      });
}

}  // namespace

void AddReadingListRoutes(Router& router, const Context& ctx) {
  const Context* c = &ctx;
  router.Add(
      {.name = "lists_own",
       .pattern = "/lists",
       .handler = [c](const Request& req, const PathParams&) { return GetOwnLists(*c, req); },
       .cacheable = false});
  AddUncachedRoute(router, "lists_create_form", "/lists", {"POST"},
                   [c](const Request& req, const PathParams&) { return PostCreate(*c, req); });
  AddUncachedRoute(
      router, "lists_add_form", "/lists/add", {"POST"},
      [c](const Request& req, const PathParams&) { return PostAddFromPaper(*c, req); });
  router.Add({"list_feed", "/lists/{owner}/{slug}/feed.atom",
              [c](const Request& req, const PathParams& p) { return FeedOf(*c, req, p); }});
  router.Add(
      {"list_bibtex", "/lists/{owner}/{slug}/bibtex",
       [c](const Request& req, const PathParams& p) { return BibtexOf(*c, req, p, false); }});
  router.Add({"list_bib", "/lists/{owner}/{slug}.bib",
              [c](const Request& req, const PathParams& p) { return BibtexOf(*c, req, p, true); }});
  router.Add({"list_page", "/lists/{owner}/{slug}",
              [c](const Request& req, const PathParams& p) { return ListPage(*c, req, p); }});
  router.Add({"lists_of_owner", "/lists/{owner}", [c](const Request& req, const PathParams& p) {
                return OwnerPage(*c, req, p.Get("owner"));
              }});
  AddUncachedRoute(router, "list_edit_form", "/lists/{owner}/{slug}/edit", {"POST"},
                   [c](const Request& req, const PathParams& p) { return PostEdit(*c, req, p); });
  AddUncachedRoute(
      router, "list_secret_form", "/lists/{owner}/{slug}/secret", {"POST"},
      [c](const Request& req, const PathParams& p) { return PostNewSecret(*c, req, p); });
  AddUncachedRoute(router, "list_delete_form", "/lists/{owner}/{slug}/delete", {"POST"},
                   [c](const Request& req, const PathParams& p) { return PostDelete(*c, req, p); });
  AddUncachedRoute(
      router, "list_add_form", "/lists/{owner}/{slug}/papers", {"POST"},
      [c](const Request& req, const PathParams& p) { return PostAddPaper(*c, req, p); });
  AddUncachedRoute(router, "list_note_form", "/lists/{owner}/{slug}/papers/{id...}/note", {"POST"},
                   [c](const Request& req, const PathParams& p) { return PostNote(*c, req, p); });
  AddUncachedRoute(router, "list_move_form", "/lists/{owner}/{slug}/papers/{id...}/move", {"POST"},
                   [c](const Request& req, const PathParams& p) { return PostMove(*c, req, p); });
  AddUncachedRoute(router, "list_remove_form", "/lists/{owner}/{slug}/papers/{id...}/remove",
                   {"POST"},
                   [c](const Request& req, const PathParams& p) { return PostRemove(*c, req, p); });
}

}  // namespace paperpulse::http
