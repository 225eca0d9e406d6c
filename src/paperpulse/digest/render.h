// A digest as a mail: subject, a plain-text part, an HTML part with inline
// CSS (mail clients ignore <style> sheets and scripts; math stays plain
// TeX), and the headers bulk senders must carry: List-Id (RFC 2919),
// List-Unsubscribe with List-Unsubscribe-Post (RFC 8058 one-click), and a
// visible unsubscribe link in both bodies.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "paperpulse/digest/period.h"
#include "paperpulse/mail/message.h"
#include "paperpulse/model/subscription.h"

namespace paperpulse::digest {

// Who sends, and where the links go.
struct SiteInfo {
  std::string base_url;  // "https://papers.example.org", no trailing slash
  mail::Address from;    // the digest's sender; its domain names the List-Id
  std::string site_name = "paperpulse";
};

struct DigestItem {
  std::string id;  // base arXiv id
  std::string title;
  std::vector<std::string> authors;
  std::string excerpt;  // the abstract's start, one line (TeX kept): ExcerptOf()
  int64_t upvotes = 0;
  // One line on why it is here: "42 upvotes · 1,200 GitHub stars", or for
  // a recommendation "because you upvoted “Attention Is All You Need”".
  std::string reason;
};

struct DigestContent {
  Subscription subscription;
  Period period;
  std::vector<DigestItem> top;          // the trending list filtered, or an alert's matches
  std::vector<DigestItem> recommended;  // personal recommendations; may be empty
  std::string unsubscribe_token;        // the secret in the unsubscribe URL
};

// The mail of `content` from site.from to the subscription's address, with
// List-Id "<frequency>.digest.<from domain>" (alerts: "alerts.<domain>"),
// List-Unsubscribe <base_url/unsubscribe/TOKEN> and List-Unsubscribe-Post.
// Every text from the Store is escaped in the HTML part. Pure; the caller
// composes (mail::ComposeMime) and signs it.
mail::Message RenderDigest(const DigestContent& content, const SiteInfo& site);

// "The first `max_bytes` of `text`" cut at a space and ended with "…" when
// cut; never splits a UTF-8 sequence.
std::string Excerpt(std::string_view text, size_t max_bytes);

}  // namespace paperpulse::digest
