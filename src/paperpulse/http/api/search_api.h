// The search endpoints of the JSON API, answered by the search index
// (search/index.h):
//
//   GET /api/papers/search?q=&limit=&offset=&sort=&from=&to=&category=
//       q         the query (search/index.h has the language, and its
//                 length limit: search::kMaxQueryBytes); required
//       limit     1..120 (search::kMaxLimit, as Hugging Face), default 20;
//                 offset 0..10000, default 0
//       sort      relevance (default), date, upvotes or trending
//       from, to  inclusive bounds on the submission date, YYYY-MM-DD
//       category  only papers listed in it (cs.CL; an archive such as hep-th)
//   GET /api/papers/{id}/related?limit=      (limit 1..120, default 10)
//
// Both answer a JSON array of items shaped like Hugging Face's search
// results (hf_json.h WriteHfSearchItem): {"paper": what /api/papers/{id}
// answers, "publishedAt", "title", "summary", "numComments", "submittedBy"
// and "organization" when listed, "categories", "score", "snippet"}; the
// snippet is HTML (escaped text, matched words in <mark>). HF clients read
// item["paper"]; the same shape for related papers lets one client read
// both. A search also sends X-Total-Count (estimated matches) and, when a
// word was corrected, X-Did-You-Mean. A bad query or parameter is a 400
// {"error": message}; an unknown paper a 404; no index (yet) a 503.
#pragma once

#include "paperpulse/http/context.h"
#include "paperpulse/http/router.h"

namespace paperpulse::http {

// Adds both routes. Must come before the general /api/papers/{id...} route.
// `ctx` must outlive the router.
void AddSearchApiRoutes(Router& router, const Context& ctx);

}  // namespace paperpulse::http
