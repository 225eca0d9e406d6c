#include "paperpulse/http/reading_lists.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/secrets.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"
#include "paperpulse/http/community.h"
#include "paperpulse/http/templates.h"
#include "paperpulse/http/text.h"

namespace paperpulse::http {
namespace {

// ASCII spellings of the Latin-1 Supplement and Latin Extended-A letters,
// by ranges of code points that spell alike.
struct Spelling {
  uint32_t first;
  uint32_t last;
  std::string_view ascii;
};
constexpr Spelling kSpellings[] = {
    {0xC0, 0xC5, "a"},   {0xC6, 0xC6, "ae"},   {0xC7, 0xC7, "c"},   {0xC8, 0xCB, "e"},
    {0xCC, 0xCF, "i"},   {0xD0, 0xD0, "d"},    {0xD1, 0xD1, "n"},   {0xD2, 0xD6, "o"},
    {0xD8, 0xD8, "o"},   {0xD9, 0xDC, "u"},    {0xDD, 0xDD, "y"},   {0xDE, 0xDE, "th"},
    {0xDF, 0xDF, "ss"},  {0xE0, 0xE5, "a"},    {0xE6, 0xE6, "ae"},  {0xE7, 0xE7, "c"},
    {0xE8, 0xEB, "e"},   {0xEC, 0xEF, "i"},    {0xF0, 0xF0, "d"},   {0xF1, 0xF1, "n"},
    {0xF2, 0xF6, "o"},   {0xF8, 0xF8, "o"},    {0xF9, 0xFC, "u"},   {0xFD, 0xFD, "y"},
    {0xFE, 0xFE, "th"},  {0xFF, 0xFF, "y"},    {0x100, 0x105, "a"}, {0x106, 0x10D, "c"},
    {0x10E, 0x111, "d"}, {0x112, 0x11B, "e"},  {0x11C, 0x123, "g"}, {0x124, 0x127, "h"},
    {0x128, 0x131, "i"}, {0x132, 0x133, "ij"}, {0x134, 0x135, "j"}, {0x136, 0x138, "k"},
    {0x139, 0x142, "l"}, {0x143, 0x14B, "n"},  {0x14C, 0x151, "o"}, {0x152, 0x153, "oe"},
    {0x154, 0x159, "r"}, {0x15A, 0x161, "s"},  {0x162, 0x167, "t"}, {0x168, 0x173, "u"},
    {0x174, 0x175, "w"}, {0x176, 0x178, "y"},  {0x179, 0x17E, "z"}, {0x17F, 0x17F, "s"},
};

// The code point starting at `s[i]` (valid UTF-8 assumed; a stray byte is
// taken as itself), advancing `i` past it.
uint32_t NextCodePoint(std::string_view s, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (i + len > s.size()) len = 1;
  uint32_t cp = len == 1 ? c : c & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (byte(i + k) & 0x3F);
  i += len;
  return cp;
}

// Free text of a form or JSON field: valid UTF-8 without control characters
// other than newlines and tabs, "\r\n" as "\n", trimmed.
std::string CleanMultiline(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      if (i + 1 < s.size() && s[i + 1] == '\n') continue;
      out.push_back('\n');
    } else {
      out.push_back(s[i]);
    }
  }
  return std::string(TrimView(CleanText(out)));
}

std::string NowText(const Context& ctx) { return FormatUnixTimestamp(NowSeconds(ctx)); }

void Changed(const Context& ctx) {
  if (ctx.content_changed) ctx.content_changed();
}

Status EnforceWriteRate(const Context& ctx, storage::Store& store, const auth::Principal& who) {
  return auth::EnforceRate(store, "lists:user:" + std::to_string(who.account.id),
                           kListWritesPerAccount, NowSeconds(ctx), "changes to reading lists");
}

tl::unexpected<Error> NoSuchList(std::string_view owner, std::string_view slug) {
  return Fail(ErrorCode::kNotFound, "there is no list /lists/" + std::string(owner.substr(0, 80)) +
                                        "/" + std::string(slug.substr(0, 80)));
}

tl::unexpected<Error> SlugTaken(const ReadingList& list) {
  return Fail(ErrorCode::kAlreadyExists, "slug: you already have a list at " + ListPath(list));
}

// Sets the fields `body` has on `list`: title, description, visibility and
// slug (an empty or absent slug is derived from the title when `creating`;
// when editing, an empty one is derived from the title and an absent one
// stays). Returns whether the slug was given (not derived).
Result<bool> ApplyListFields(const Fields& body, ReadingList& list, bool creating) {
  if (body.Has("title") || creating) {
    ASSIGN_OR_RETURN(std::string raw, body.Get("title"));
    std::string title = CollapseWhitespace(CleanText(raw));
    if (title.empty()) return Fail(ErrorCode::kInvalidArgument, "title: required");
    if (CodePoints(title) > kMaxListTitleChars) {
      return Fail(ErrorCode::kInvalidArgument,
                  "title: at most " + std::to_string(kMaxListTitleChars) + " characters");
    }
    list.title = std::move(title);
  }
  if (body.Has("description")) {
    ASSIGN_OR_RETURN(std::string raw, body.Get("description"));
    std::string description = CleanMultiline(raw);
    if (CodePoints(description) > kMaxListDescriptionChars) {
      return Fail(
          ErrorCode::kInvalidArgument,
          "description: at most " + std::to_string(kMaxListDescriptionChars) + " characters");
    }
    list.description = std::move(description);
  }
  if (body.Has("visibility")) {
    ASSIGN_OR_RETURN(std::string raw, body.Get("visibility"));
    auto v = ParseListVisibility(AsciiLower(TrimView(raw)));
    if (!v) {
      return Fail(ErrorCode::kInvalidArgument, "visibility: expected public, unlisted or private");
    }
    list.visibility = *v;
  }
  bool given = false;
  if (body.Has("slug") || creating) {
    ASSIGN_OR_RETURN(std::string raw, body.Get("slug"));
    std::string slug(TrimView(raw));
    if (slug.empty()) {
      list.slug = SlugFromTitle(list.title);
    } else if (!IsValidListSlug(slug)) {
      return Fail(ErrorCode::kInvalidArgument, "slug: 1 to " + std::to_string(kMaxListSlugChars) +
                                                   " lower-case letters, digits and '-'");
    } else {
      list.slug = std::move(slug);
      given = true;
    }
  }
  return given;
}

// `base` with "-`n`" appended, cut to fit kMaxListSlugChars.
std::string NumberedSlug(std::string_view base, int n) {
  std::string suffix = "-" + std::to_string(n);
  std::string slug(base.substr(0, kMaxListSlugChars - suffix.size()));
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug + suffix;
}

Result<ListChange> Reloaded(storage::Store& store, int64_t id, std::string secret) {
  ASSIGN_OR_RETURN(std::optional<ReadingList> list, store.GetReadingListById(id));
  if (!list) return Fail(ErrorCode::kNotFound, "the list was deleted meanwhile");
  return ListChange{std::move(*list), std::move(secret)};
}

Status RequireOwner(const auth::Principal& who, const ReadingList& list) {
  if (list.owner_id != who.account.id) return NoSuchList(list.owner_name, list.slug);
  return Ok();
}

Result<ListPaper> LoadListPaper(storage::Store& store, ReadingListItem item) {
  ASSIGN_OR_RETURN(std::optional<Paper> paper, store.GetPaper(item.paper_id));
  if (!paper) return Fail(ErrorCode::kNotFound, "no paper with id " + item.paper_id);
  ListPaper out;
  out.paper = std::move(*paper);
  ASSIGN_OR_RETURN(out.listing, LoadPaperListing(store, item.paper_id));
  out.item = std::move(item);
  return out;
}

std::optional<ReadingListItem> FindItem(const std::vector<ReadingListItem>& items,
                                        std::string_view paper_id) {
  for (const ReadingListItem& item : items) {
    if (item.paper_id == paper_id) return item;
  }
  return std::nullopt;
}

// The base id of a paper named in a path: malformed ids name no paper.
Result<std::string> PathPaperId(std::string_view raw_id) {
  auto id = ParseArxivId(raw_id);
  if (!id) {
    return Fail(ErrorCode::kNotFound, "no paper with id " + std::string(raw_id.substr(0, 64)));
  }
  return id->base;
}

Status NotOnList(std::string_view paper_id) {
  return Fail(ErrorCode::kNotFound, "paper " + std::string(paper_id) + " is not on this list");
}

}  // namespace

bool IsValidListSlug(std::string_view slug) {
  if (slug.empty() || slug.size() > kMaxListSlugChars) return false;
  return std::all_of(slug.begin(), slug.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::string SlugFromTitle(std::string_view title) {
  std::string slug;
  bool gap = false;  // a separator is due before the next letter
  auto append = [&](std::string_view letters) {
    if (gap && !slug.empty()) slug.push_back('-');
    gap = false;
    slug += letters;
  };
  for (size_t i = 0; i < title.size();) {
    uint32_t cp = NextCodePoint(title, i);
    if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
      append(std::string(1, static_cast<char>(cp)));
    } else if (cp >= 'A' && cp <= 'Z') {
      append(std::string(1, static_cast<char>(cp - 'A' + 'a')));
    } else if (cp == '\'' || cp == 0x2019) {
      // "Ada's list" is "adas-list", not "ada-s-list".
    } else {
      auto it = std::find_if(std::begin(kSpellings), std::end(kSpellings),
                             [cp](const Spelling& s) { return cp >= s.first && cp <= s.last; });
      if (it != std::end(kSpellings)) {
        append(it->ascii);
      } else {
        gap = true;
      }
    }
  }
  if (slug.size() > kMaxListSlugChars) {
    size_t cut = slug.rfind('-', kMaxListSlugChars);
    // A single word longer than the limit is cut inside the word.
    slug.resize(cut == std::string::npos || cut == 0 ? kMaxListSlugChars : cut);
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
  }
  return slug.empty() ? "list" : slug;
}

std::string ListOwnerNameProblem(const Account& account) {
  const std::string& name = account.name;
  if (name.empty()) {
    return "choose a display name in Settings first: your lists live at /lists/<your name>/…";
  }
  // A '/' would split the address in two, and browsers resolve "." and ".."
  // segments away before asking.
  if (name.find('/') != std::string::npos || name == "." || name == "..") {
    return "your display name cannot be part of a list's address (it is \".\" or \"..\" or "
           "holds a \"/\"); choose another display name in Settings first";
  }
  return "";
}

ListAccess DecideListAccess(const ReadingList& list, int64_t viewer_id, std::string_view key) {
  if (viewer_id != 0 && viewer_id == list.owner_id) return ListAccess::kOwner;
  switch (list.visibility) {
    case ListVisibility::kPublic:
      return ListAccess::kReader;
    case ListVisibility::kUnlisted:
      return ListSecretMatches(list, key) ? ListAccess::kReader : ListAccess::kNone;
    case ListVisibility::kPrivate:
      return ListAccess::kNone;
  }
  return ListAccess::kNone;
}

bool ListSecretMatches(const ReadingList& list, std::string_view key) {
  return !list.secret_hash.empty() && IsWellFormedToken(key) && HashToken(key) == list.secret_hash;
}

std::string ListOwnerPath(std::string_view owner) { return "/lists/" + UrlEncode(owner); }

std::string ListPath(const ReadingList& list) {
  return ListOwnerPath(list.owner_name) + "/" + list.slug;
}

std::string SecretListUrl(const Context& ctx, const ReadingList& list, std::string_view secret) {
  return ctx.options.base_url + ListPath(list) + "?key=" + std::string(secret);
}

Result<VisibleList> FindVisibleList(storage::Store& store, std::string_view owner,
                                    std::string_view slug,
                                    const std::optional<auth::Principal>& viewer,
                                    std::string_view key) {
  if (owner.empty() || !IsValidListSlug(slug)) return NoSuchList(owner, slug);
  ASSIGN_OR_RETURN(std::optional<Account> account, store.GetAccountByName(owner));
  if (!account) return NoSuchList(owner, slug);
  ASSIGN_OR_RETURN(std::optional<ReadingList> list, store.GetReadingList(account->id, slug));
  if (!list) return NoSuchList(owner, slug);
  ListAccess access = DecideListAccess(*list, viewer ? viewer->account.id : 0, key);
  if (access == ListAccess::kReader && account->banned) access = ListAccess::kNone;
  if (access == ListAccess::kNone) return NoSuchList(owner, slug);
  return VisibleList{std::move(*list), access};
}

Result<ReadingList> FindOwnList(storage::Store& store, const auth::Principal& who,
                                std::string_view owner, std::string_view slug) {
  ASSIGN_OR_RETURN(VisibleList v, FindVisibleList(store, owner, slug, who, ""));
  if (v.access != ListAccess::kOwner) return NoSuchList(owner, slug);
  return std::move(v.list);
}

Result<ListChange> CreateList(const Context& ctx, storage::Store& store, const auth::Principal& who,
                              const Fields& body) {
  if (std::string problem = ListOwnerNameProblem(who.account); !problem.empty()) {
    return Fail(ErrorCode::kFailedPrecondition, problem);
  }
  ReadingList list;
  list.owner_id = who.account.id;
  list.owner_name = who.account.name;
  list.visibility = ListVisibility::kPrivate;
  ASSIGN_OR_RETURN(bool slug_given, ApplyListFields(body, list, /*creating=*/true));
  RETURN_IF_ERROR(EnforceWriteRate(ctx, store, who));
  ASSIGN_OR_RETURN(std::vector<ReadingList> own, store.ReadingListsOf(who.account.id));
  if (own.size() >= kMaxListsPerAccount) {
    return Fail(ErrorCode::kFailedPrecondition,
                "you have " + std::to_string(own.size()) +
                    " lists, the most one account may have; delete one first");
  }
  std::set<std::string> taken;
  for (const ReadingList& l : own) taken.insert(l.slug);
  std::string secret;
  if (list.visibility == ListVisibility::kUnlisted) {
    secret = RandomToken();
    list.secret_hash = HashToken(secret);
  }
  if (slug_given && taken.count(list.slug)) return SlugTaken(list);
  std::string base = list.slug;
  std::string now = NowText(ctx);
  // A derived slug takes the first free number; a list created meanwhile
  // under the same slug (in another tab) only costs another try.
  for (int n = 1; n <= static_cast<int>(kMaxListsPerAccount) + 8;) {
    if (!slug_given) {
      while (taken.count(list.slug)) list.slug = NumberedSlug(base, ++n);
    }
    auto id = store.CreateReadingList(list, now);
    if (id) {
      Changed(ctx);
      return Reloaded(store, *id, std::move(secret));
    }
    if (id.error().code != ErrorCode::kAlreadyExists) return tl::unexpected(id.error());
    if (slug_given) break;
    taken.insert(list.slug);
  }
  return SlugTaken(list);
}

Result<ListChange> UpdateList(const Context& ctx, storage::Store& store, const auth::Principal& who,
                              const ReadingList& list, const Fields& body) {
  RETURN_IF_ERROR(RequireOwner(who, list));
  ReadingList changed = list;
  RETURN_IF_ERROR(ApplyListFields(body, changed, /*creating=*/false));
  ASSIGN_OR_RETURN(bool new_secret, body.GetBool("newSecret"));
  bool unlisted = changed.visibility == ListVisibility::kUnlisted;
  if (new_secret && !unlisted) {
    return Fail(ErrorCode::kInvalidArgument, "newSecret: only an unlisted list has a secret link");
  }
  std::string secret;
  // A new address is a new link: the old one could not be handed on anyway.
  if (unlisted && (new_secret || list.visibility != ListVisibility::kUnlisted ||
                   list.secret_hash.empty() || changed.slug != list.slug)) {
    secret = RandomToken();
    changed.secret_hash = HashToken(secret);
  } else if (!unlisted) {
    changed.secret_hash.clear();
  }
  RETURN_IF_ERROR(EnforceWriteRate(ctx, store, who));
  if (Status s = store.UpdateReadingList(changed, NowText(ctx)); !s) {
    if (s.error().code == ErrorCode::kAlreadyExists) return SlugTaken(changed);
    return tl::unexpected(s.error());
  }
  Changed(ctx);
  return Reloaded(store, list.id, std::move(secret));
}

Status DeleteList(const Context& ctx, storage::Store& store, const auth::Principal& who,
                  const ReadingList& list) {
  RETURN_IF_ERROR(RequireOwner(who, list));
  RETURN_IF_ERROR(EnforceWriteRate(ctx, store, who));
  RETURN_IF_ERROR(store.DeleteReadingList(list.id));
  Changed(ctx);
  return Ok();
}

Result<std::vector<ListPaper>> LoadListPapers(storage::Store& store, const ReadingList& list) {
  ASSIGN_OR_RETURN(std::vector<ReadingListItem> items, store.ReadingListItems(list.id));
  std::vector<ListPaper> out;
  out.reserve(items.size());
  for (ReadingListItem& item : items) {
    auto paper = LoadListPaper(store, std::move(item));
    // Items reference papers, which are never deleted; a missing one is
    // left out rather than failing the whole list.
    if (!paper && paper.error().code == ErrorCode::kNotFound) continue;
    if (!paper) return tl::unexpected(paper.error());
    out.push_back(std::move(*paper));
  }
  return out;
}

Result<PutOutcome> PutListPaper(const Context& ctx, storage::Store& store,
                                const auth::Principal& who, const ReadingList& list,
                                std::string_view raw_id, const Fields& body, PutMode mode) {
  RETURN_IF_ERROR(RequireOwner(who, list));
  std::string paper_id;
  if (mode == PutMode::kAdd) {
    if (TrimView(raw_id).empty()) return Fail(ErrorCode::kInvalidArgument, "id: required");
    auto id = ParseArxivId(raw_id);
    if (!id) {
      return Fail(ErrorCode::kInvalidArgument,
                  "id: expected an arXiv id (2401.00001, arXiv:2401.00001v2) or an arxiv.org URL");
    }
    paper_id = id->base;
  } else {
    ASSIGN_OR_RETURN(paper_id, PathPaperId(raw_id));
  }
  ASSIGN_OR_RETURN(std::vector<ReadingListItem> items, store.ReadingListItems(list.id));
  std::optional<ReadingListItem> existing = FindItem(items, paper_id);
  if (!existing) {
    if (mode == PutMode::kUpdate) return tl::unexpected(NotOnList(paper_id).error());
    ASSIGN_OR_RETURN(std::optional<Paper> paper, store.GetPaper(paper_id));
    if (!paper) {
      return Fail(ErrorCode::kNotFound, "paper " + paper_id + " is not known to this site");
    }
  }
  std::string note = existing ? existing->note : "";
  if (body.Has("note")) {
    ASSIGN_OR_RETURN(std::string raw, body.Get("note"));
    note = CleanMultiline(raw);
    if (CodePoints(note) > kMaxListNoteChars) {
      return Fail(ErrorCode::kInvalidArgument,
                  "note: at most " + std::to_string(kMaxListNoteChars) + " characters");
    }
  }
  ASSIGN_OR_RETURN(int64_t position, body.GetInt("position", existing ? existing->position : -1));
  RETURN_IF_ERROR(EnforceWriteRate(ctx, store, who));
  if (Status s =
          store.PutReadingListItem(list.id, paper_id, position, note, NowText(ctx), kMaxListPapers);
      !s) {
    if (s.error().code == ErrorCode::kResourceExhausted) {
      return Fail(ErrorCode::kFailedPrecondition,
                  "this list holds " + std::to_string(kMaxListPapers) +
                      " papers, the most a list can hold; remove one first");
    }
    return tl::unexpected(s.error());
  }
  Changed(ctx);
  ASSIGN_OR_RETURN(items, store.ReadingListItems(list.id));
  std::optional<ReadingListItem> now_item = FindItem(items, paper_id);
  // Taken off again by a concurrent request before this one could look.
  if (!now_item) return tl::unexpected(NotOnList(paper_id).error());
  ASSIGN_OR_RETURN(ListPaper paper, LoadListPaper(store, std::move(*now_item)));
  return PutOutcome{std::move(paper), !existing};
}

Status MoveListPaper(const Context& ctx, storage::Store& store, const auth::Principal& who,
                     const ReadingList& list, std::string_view raw_id, int64_t delta) {
  RETURN_IF_ERROR(RequireOwner(who, list));
  ASSIGN_OR_RETURN(std::string paper_id, PathPaperId(raw_id));
  ASSIGN_OR_RETURN(std::vector<ReadingListItem> items, store.ReadingListItems(list.id));
  std::optional<ReadingListItem> item = FindItem(items, paper_id);
  if (!item) return NotOnList(paper_id);
  int64_t last = static_cast<int64_t>(items.size()) - 1;
  int64_t to = std::clamp(item->position + delta, int64_t{0}, last);
  if (to == item->position) return Ok();
  RETURN_IF_ERROR(EnforceWriteRate(ctx, store, who));
  RETURN_IF_ERROR(
      store.PutReadingListItem(list.id, paper_id, to, item->note, NowText(ctx), kMaxListPapers));
  Changed(ctx);
  return Ok();
}

Status RemoveListPaper(const Context& ctx, storage::Store& store, const auth::Principal& who,
                       const ReadingList& list, std::string_view raw_id) {
  RETURN_IF_ERROR(RequireOwner(who, list));
  ASSIGN_OR_RETURN(std::string paper_id, PathPaperId(raw_id));
  RETURN_IF_ERROR(EnforceWriteRate(ctx, store, who));
  ASSIGN_OR_RETURN(bool removed, store.RemoveReadingListItem(list.id, paper_id));
  if (!removed) return NotOnList(paper_id);
  Changed(ctx);
  return Ok();
}

Result<std::vector<ReadingList>> OwnLists(storage::Store& store, const auth::Principal& who) {
  return store.ReadingListsOf(who.account.id);
}

std::string AddToListFormHtml(const Context& ctx, const std::optional<auth::Principal>& viewer,
                              std::string_view paper_id, std::string_view next_path) {
  if (!viewer) return "";
  TemplateData data;
  data.set("id", std::string(paper_id));
  data.set("next", SafeNextPath(next_path));
  data.set("csrf_token", viewer->csrf_token);
  data.set("create_href", "/lists?paper=" + UrlEncode(paper_id));
  if (std::string problem = ListOwnerNameProblem(viewer->account); !problem.empty()) {
    data.set("settings_href", "/settings?next=" + UrlEncode(SafeNextPath(next_path)));
  } else {
    auto store = ctx.stores.Acquire();
    auto lists = store ? OwnLists(**store, *viewer)
                       : Result<std::vector<ReadingList>>(tl::unexpected(store.error()));
    if (!lists) {
      // The paper page shows without the control rather than failing.
      spdlog::warn("pages: cannot read the reader's lists: {}", lists.error().ToString());
      return "";
    }
    TemplateData options{TemplateData::type::list};
    for (const ReadingList& l : *lists) {
      TemplateData o;
      o.set("slug", l.slug);
      o.set("title", l.title);
      o.set("size", std::to_string(l.size));
      options.push_back(o);
    }
    data.set("lists", options);
    data.set("has_lists", !lists->empty());
    data.set("owner", viewer->account.name);
  }
  auto html = ctx.templates.Render("add_to_list", data);
  if (!html) {
    spdlog::error("pages: {}", html.error().ToString());
    return "";
  }
  return *html;
}

}  // namespace paperpulse::http
