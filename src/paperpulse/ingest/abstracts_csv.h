// "abstracts-csv": CSV collections of arXiv abstracts made for machine
// learning, in the three layouts found in the wild:
//   A. id,title,abstract,categories            (albertoMontero/arxiv-datasets)
//   B. title,summary,comment,authors,category,split  (a classifier data set)
//   C. titles,summaries,terms[,word_count,unique_word_count]  (the Keras
//      multi-label arxiv_data.csv; terms is a Python list repr)
// Only layout A carries arXiv ids. A paper is keyed by its id, so the rows of
// B and C cannot become papers; each is reported as a reject saying so (their
// abstracts mention other papers' ids now and then, but never their own, so
// no id is guessed from the text).
#pragma once

#include <string_view>

#include "paperpulse/ingest/reader.h"

namespace paperpulse::ingest {

class AbstractsCsvReader final : public Reader {
 public:
  std::string_view Name() const override { return "abstracts-csv"; }
  // Accepts a header row whose data columns are exactly those of A or B, or
  // titles, summaries, terms plus only word_count/unique_word_count (C).
  bool Sniff(std::string_view head, std::string_view path) const override;
  // Layout A: one paper (id, title, abstract, categories) per row; a bad id
  // is rejected naming it. Layouts B and C: every row is rejected ("no arXiv
  // id"). Errors: kParse when the header is none of the three layouts.
  Status Read(ByteSource& source, RecordSink& sink) override;
};

}  // namespace paperpulse::ingest
