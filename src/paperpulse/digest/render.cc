// Built with string appends rather than the page templates: a run renders
// one mail per subscriber (100k and more), and a mail's markup is small and
// fixed.
#include "paperpulse/digest/render.h"

#include "paperpulse/base/strings.h"

namespace paperpulse::digest {
namespace {

constexpr size_t kSubjectTitleBytes = 90;
constexpr size_t kAuthorsShown = 3;

std::string Authors(const std::vector<std::string>& authors) {
  std::string out;
  for (size_t i = 0; i < authors.size() && i < kAuthorsShown; ++i) {
    if (i) out += ", ";
    out += authors[i];
  }
  if (authors.size() > kAuthorsShown) out += " et al.";
  return out;
}

// Letters, digits and dots only (an RFC 2919 list label, or a phrase that
// needs no quoting): anything else becomes '-'.
std::string AsciiLabel(std::string_view s) {
  std::string out;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    bool ok =
        (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '.';
    out.push_back(ok ? c : '-');
  }
  return out;
}

std::string Domain(std::string_view email) {
  size_t at = email.rfind('@');
  return AsciiLower(at == std::string_view::npos ? email : email.substr(at + 1));
}

std::string ListLabel(const DigestContent& c) {
  return c.subscription.query.empty() ? std::string(FrequencyName(c.period.frequency)) + ".digest"
                                      : std::string("alerts");
}

std::string Heading(const DigestContent& c, const SiteInfo& site) {
  if (!c.subscription.query.empty()) {
    return "New papers matching \xE2\x80\x9C" + c.subscription.query + "\xE2\x80\x9D";
  }
  return site.site_name + (c.period.frequency == DigestFrequency::kDaily ? " daily" : " weekly") +
         ": trending papers";
}

std::string Subject(const DigestContent& c, const SiteInfo& site) {
  size_t n = c.top.size() + c.recommended.size();
  const DigestItem& first = c.top.empty() ? c.recommended.front() : c.top.front();
  std::string more = n > 1 ? " and " + std::to_string(n - 1) + " more" : "";
  if (!c.subscription.query.empty()) {
    return "New papers matching \xE2\x80\x9C" + Excerpt(c.subscription.query, 60) +
           "\xE2\x80\x9D: " + Excerpt(first.title, kSubjectTitleBytes) + more;
  }
  return site.site_name +
         (c.period.frequency == DigestFrequency::kDaily ? " daily, " : " weekly, ") +
         c.period.label + ": " + Excerpt(first.title, kSubjectTitleBytes) + more;
}

// "cs.LG, cs.CL · keywords: llm, agents · at least 5 upvotes", or "".
std::string FilterLine(const Subscription& s) {
  std::string out;
  auto join = [](const std::vector<std::string>& v) {
    std::string j;
    for (const std::string& x : v) j += (j.empty() ? "" : ", ") + x;
    return j;
  };
  if (!s.categories.empty()) out += "categories: " + join(s.categories);
  if (!s.keywords.empty())
    out += (out.empty() ? "" : " \xC2\xB7 ") + ("keywords: " + join(s.keywords));
  if (s.min_upvotes > 0) {
    out += (out.empty() ? "" : " \xC2\xB7 ") +
           ("at least " + std::to_string(s.min_upvotes) + " upvotes");
  }
  return out;
}

void TextItems(std::string& out, const std::vector<DigestItem>& items, const SiteInfo& site) {
  int n = 0;
  for (const DigestItem& it : items) {
    out += std::to_string(++n) + ". " + it.title + "\n";
    if (!it.authors.empty()) out += "   " + Authors(it.authors) + "\n";
    if (!it.reason.empty()) out += "   " + it.reason + "\n";
    out += "   " + site.base_url + "/papers/" + it.id + "\n";
    if (!it.excerpt.empty()) out += "   " + it.excerpt + "\n";
    out += "\n";
  }
}

void HtmlItems(std::string& out, const std::vector<DigestItem>& items, const SiteInfo& site) {
  for (const DigestItem& it : items) {
    std::string url = site.base_url + "/papers/" + it.id;
    out += "<div style=\"margin:0 0 20px 0;\">";
    out += "<a href=\"";
    AppendHtmlEscaped(out, url);
    out += "\" style=\"font-size:17px;font-weight:bold;color:#1a4fa0;text-decoration:none;\">";
    AppendHtmlEscaped(out, it.title);
    out += "</a>";
    if (!it.authors.empty()) {
      out += "<div style=\"color:#555;font-size:13px;margin-top:2px;\">";
      AppendHtmlEscaped(out, Authors(it.authors));
      out += "</div>";
    }
    if (!it.reason.empty()) {
      out += "<div style=\"color:#8a5a00;font-size:13px;margin-top:2px;\">";
      AppendHtmlEscaped(out, it.reason);
      out += "</div>";
    }
    if (!it.excerpt.empty()) {
      out += "<div style=\"color:#222;font-size:14px;line-height:1.45;margin-top:6px;\">";
      AppendHtmlEscaped(out, it.excerpt);
      out += "</div>";
    }
    out += "<div style=\"font-size:13px;margin-top:4px;\"><a href=\"https://arxiv.org/abs/";
    AppendHtmlEscaped(out, it.id);
    out += "\" style=\"color:#1a4fa0;\">arXiv</a> \xC2\xB7 <a href=\"https://arxiv.org/pdf/";
    AppendHtmlEscaped(out, it.id);
    out += "\" style=\"color:#1a4fa0;\">PDF</a></div></div>\n";
  }
}

}  // namespace

std::string Excerpt(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  // Back to the start of a UTF-8 sequence, then to a space when one is near.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  size_t space = text.rfind(' ', cut);
  if (space != std::string_view::npos && space > max_bytes / 2) cut = space;
  return std::string(TrimView(text.substr(0, cut))) + "\xE2\x80\xA6";
}

mail::Message RenderDigest(const DigestContent& c, const SiteInfo& site) {
  const std::string unsubscribe = site.base_url + "/unsubscribe/" + c.unsubscribe_token;
  const std::string settings = site.base_url + "/settings";
  const std::string heading = Heading(c, site);
  const std::string filters = FilterLine(c.subscription);
  const char* period_word = c.period.frequency == DigestFrequency::kDaily ? "daily" : "weekly";

  mail::Message m;
  m.from = site.from;
  m.to.push_back({c.subscription.email, ""});
  m.subject = Subject(c, site);
  std::string label = AsciiLabel(ListLabel(c));
  m.headers.push_back({"List-Id", AsciiLabel(site.site_name) + " " + std::string(period_word) +
                                      " <" + label + "." + Domain(site.from.email) + ">"});
  m.headers.push_back({"List-Unsubscribe", "<" + unsubscribe + ">"});
  m.headers.push_back({"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"});

  std::string& t = m.text;
  t += heading + "\n" + c.period.label + "\n";
  if (!filters.empty()) t += "Your filters: " + filters + "\n";
  t += "\n";
  TextItems(t, c.top, site);
  if (!c.recommended.empty()) {
    t += "Recommended for you\n\n";
    TextItems(t, c.recommended, site);
  }
  t += "-- \nYou get this " + std::string(period_word) + " mail because " + c.subscription.email +
       " subscribed at " + site.base_url + ".\n";
  t += "Unsubscribe: " + unsubscribe + "\nManage your subscriptions: " + settings + "\n";

  std::string& h = m.html;
  h += "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>";
  AppendHtmlEscaped(h, m.subject);
  h += "</title></head><body style=\"margin:0;padding:0;background:#f4f4f1;\">"
       "<div style=\"max-width:640px;margin:0 auto;padding:24px 20px;background:#ffffff;"
       "font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;\">";
  h += "<h1 style=\"font-size:22px;margin:0 0 4px 0;color:#111;\">";
  AppendHtmlEscaped(h, heading);
  h += "</h1><div style=\"color:#666;font-size:14px;margin-bottom:4px;\">";
  AppendHtmlEscaped(h, c.period.label);
  h += "</div>";
  if (!filters.empty()) {
    h += "<div style=\"color:#666;font-size:13px;margin-bottom:16px;\">Your filters: ";
    AppendHtmlEscaped(h, filters);
    h += "</div>";
  }
  h += "<hr style=\"border:0;border-top:1px solid #e3e3de;margin:16px 0;\">\n";
  HtmlItems(h, c.top, site);
  if (!c.recommended.empty()) {
    h += "<h2 style=\"font-size:18px;margin:24px 0 12px 0;color:#111;\">Recommended for you</h2>\n";
    HtmlItems(h, c.recommended, site);
  }
  h += "<hr style=\"border:0;border-top:1px solid #e3e3de;margin:16px 0;\">"
       "<p style=\"color:#777;font-size:12px;line-height:1.5;\">You get this ";
  h += period_word;
  h += " mail because ";
  AppendHtmlEscaped(h, c.subscription.email);
  h += " subscribed at ";
  AppendHtmlEscaped(h, site.base_url);
  h += ".<br><a href=\"";
  AppendHtmlEscaped(h, unsubscribe);
  h += "\" style=\"color:#777;\">Unsubscribe</a> \xC2\xB7 <a href=\"";
  AppendHtmlEscaped(h, settings);
  h += "\" style=\"color:#777;\">Manage your subscriptions</a></p></div></body></html>\n";
  return m;
}

}  // namespace paperpulse::digest
