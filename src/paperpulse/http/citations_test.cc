#include "paperpulse/http/citations.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>

#include "paperpulse/base/strings.h"
#include "paperpulse/base/test_paths.h"

namespace paperpulse::http {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string Fixture(const std::string& name) {
  std::ifstream in(testing::SourceDir() + "/tests/fixtures/citations/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

CitationFile Parse(std::string_view text) {
  auto file = ParseCitationFile(text);
  EXPECT_TRUE(file.has_value()) << (file ? "" : file.error().ToString());
  return file ? *file : CitationFile{};
}

// The refs of a file as "key|arxiv_id|doi" rows, for compact comparisons.
std::vector<std::string> Rows(const CitationFile& file) {
  std::vector<std::string> rows;
  for (const CitationRef& r : file.refs) rows.push_back(r.key + "|" + r.arxiv_id + "|" + r.doi);
  return rows;
}

std::string Entry(std::string_view fields) { return "@misc{k,\n" + std::string(fields) + "\n}\n"; }

CitationRef One(std::string_view text) {
  CitationFile file = Parse(text);
  EXPECT_EQ(file.refs.size(), 1u) << text;
  EXPECT_THAT(file.errors, IsEmpty()) << text;
  return file.refs.empty() ? CitationRef{} : file.refs.front();
}

TEST(ParseCitationFile, RejectsTextWithoutEntries) {
  for (std::string_view text : {"", "hello world", "mail me at someone@example.org", "{}",
                                "TY - JOUR\nER - \n", "\xEF\xBB\xBF", "@", "@misc"}) {
    auto file = ParseCitationFile(text);
    ASSERT_FALSE(file.has_value()) << text;
    EXPECT_EQ(file.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(ParseCitationFile, ReadsZoteroBibtexOfPreprints) {
  CitationFile file = Parse(Fixture("zotero.bib"));
  EXPECT_EQ(file.format, CitationFile::Format::kBibtex);
  EXPECT_THAT(file.errors, IsEmpty());
  EXPECT_THAT(Rows(file),
              ElementsAre("streinu_sparsity-certifying_2008|0704.0002|10.48550/"
                          "arXiv.0704.0002",
                          "ovchinnikov_partial_2007|0704.0010|",
                          "cunningham_computing_2008|0704.0011|10.48550/arXiv.0704.0011",
                          "pan_evolution_2007|0704.0003|"));
  ASSERT_EQ(file.refs.size(), 4u);
  EXPECT_EQ(file.refs[0].line, 1);
  EXPECT_EQ(file.refs[1].line, 16);
  EXPECT_EQ(file.refs[0].title, "Sparsity-certifying Graph Decompositions");
  // Zotero escapes the math of a title; it reads back as the TeX arXiv has.
  EXPECT_EQ(file.refs[2].title,
            "Computing genus 2 Hilbert-Siegel modular forms over $\\Q(\\sqrt{5})$ via the "
            "Jacquet-Langlands correspondence");
}

TEST(ParseCitationFile, ReadsJabrefWithStringsCommentsAndPreamble) {
  CitationFile file = Parse(Fixture("jabref.bib"));
  EXPECT_THAT(file.errors, IsEmpty());
  EXPECT_THAT(Rows(file), ElementsAre("Balazs2007|0704.0001|10.1103/PhysRevD.76.013009",
                                      "Callan2007|0704.0004|", "AbuShammala2007|0704.0005|"));
  ASSERT_EQ(file.refs.size(), 3u);
  EXPECT_EQ(file.refs[0].title,
            "Calculation of prompt diphoton production cross sections at Tevatron and LHC "
            "energies");
  EXPECT_EQ(file.refs[2].title, "From dyadic $\\Lambda_{\\alpha}$ to $\\Lambda_{\\alpha}$");
}

TEST(ParseCitationFile, SameResultWithWindowsLineEnds) {
  std::string unix_text = Fixture("jabref.bib");
  std::string crlf;
  for (char c : unix_text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  CitationFile a = Parse(unix_text);
  CitationFile b = Parse(crlf);
  EXPECT_EQ(Rows(a), Rows(b));
  ASSERT_EQ(a.refs.size(), b.refs.size());
  for (size_t i = 0; i < a.refs.size(); ++i) {
    EXPECT_EQ(a.refs[i].line, b.refs[i].line);
    EXPECT_EQ(a.refs[i].title, b.refs[i].title);
  }
}

TEST(ParseCitationFile, ReadsHandwrittenFileWithJunkParenthesesAndDoiForms) {
  CitationFile file = Parse(Fixture("handwritten.bib"));
  EXPECT_THAT(file.errors, IsEmpty());
  EXPECT_THAT(Rows(file), ElementsAre("pong2007bosonic||10.1103/PhysRevA.75.043613",
                                      "goerbig2007magnetophonon||10.1103/PhysRevLett.99.087402",
                                      "bondy2008graph||", "csiszar2007limit|0704.0046|",
                                      "esteban2007probing|0704.0032|10.1103/PhysRevD.76.053001"));
  ASSERT_EQ(file.refs.size(), 5u);
  EXPECT_EQ(file.refs[0].line, 4);
  EXPECT_EQ(file.refs[0].title, "Bosonic characters of atomic Cooper pairs across resonance");
  EXPECT_EQ(file.refs[2].title, "Graph Theory");
}

TEST(ParseCitationFile, ReportsBrokenEntriesByLineAndKeepsGoing) {
  CitationFile file = Parse(Fixture("broken.bib"));
  EXPECT_THAT(Rows(file), ElementsAre("good_one|0704.0002|", "good_two|0704.0004|"));
  EXPECT_THAT(file.errors, ElementsAre("line 8: expected '=' after a field name",
                                       "line 17: unterminated entry"));
}

TEST(ParseCitationFile, ReadsZoteroRis) {
  CitationFile file = Parse(Fixture("zotero.ris"));
  EXPECT_EQ(file.format, CitationFile::Format::kRis);
  EXPECT_THAT(file.errors, IsEmpty());
  EXPECT_THAT(Rows(file), ElementsAre("|0704.0002|10.48550/arXiv.0704.0002", "|0704.0010|",
                                      "||10.1103/PhysRevD.76.044016", "||"));
  ASSERT_EQ(file.refs.size(), 4u);
  EXPECT_EQ(file.refs[1].line, 19);
  EXPECT_EQ(file.refs[3].title, "Graph Theory");
}

TEST(ParseCitationFile, ReadsMendeleyRisWithBomAndCrlf) {
  CitationFile file = Parse(Fixture("mendeley.ris"));
  EXPECT_EQ(file.format, CitationFile::Format::kRis);
  EXPECT_THAT(file.errors, IsEmpty());
  EXPECT_THAT(Rows(file), ElementsAre("Esteban-Pretel2007||10.1103/PhysRevD.76.053001",
                                      "Csiszar2007|0704.0046|", "Abu-Shammala2007|0704.0005|"));
  ASSERT_EQ(file.refs.size(), 3u);
  EXPECT_EQ(file.refs[0].line, 1);
  EXPECT_EQ(file.refs[1].line, 16);
  EXPECT_EQ(file.refs[1].title, "A limit relation for entropy and channel capacity per unit cost");
}

TEST(ParseCitationFile, RisToleratesMissingErAndStrayLines) {
  CitationFile file = Parse(
      "\n\nAU  - Stray, Line\nTY  - JOUR\r\nTI  - First\r\nUR  - "
      "https://arxiv.org/abs/2301.00001v3\r\n"
      "TY  - GEN\rTI  - Second,\r  wrapped\rN1  - arXiv:hep-th/9901001 [hep-th]\r\n\r\n");
  EXPECT_THAT(Rows(file), ElementsAre("|2301.00001|", "|hep-th/9901001|"));
  ASSERT_EQ(file.refs.size(), 2u);
  EXPECT_EQ(file.refs[1].title, "Second, wrapped");
  EXPECT_THAT(file.errors,
              ElementsAre("line 3: field outside an entry (missing TY line?)",
                          "line 4: entry has no ER line", "line 7: entry has no ER line"));
}

TEST(ParseCitationFile, TellsFormatsApartByWhatComesFirst) {
  EXPECT_EQ(Parse("TY  - JOUR\nN1  - see @misc{x}\nER  - \n").format, CitationFile::Format::kRis);
  EXPECT_EQ(Parse("@misc{x, note = {\nTY  - JOUR\n}}").format, CitationFile::Format::kBibtex);
}

TEST(ParseCitationFile, ArxivIdComesFromEprintFirst) {
  EXPECT_EQ(One(Entry("eprint = {2301.00001v2}, archivePrefix = {arXiv},\n"
                      "url = {https://arxiv.org/abs/2302.00002}"))
                .arxiv_id,
            "2301.00001");
  // Without archivePrefix an eprint counts when it is an arXiv id.
  EXPECT_EQ(One(Entry("eprint = {hep-th/9901001}")).arxiv_id, "hep-th/9901001");
  EXPECT_EQ(One(Entry("eprint = {9901001}, primaryClass = {hep-th}")).arxiv_id, "hep-th/9901001");
  // Another archive's eprint is not an arXiv id, even when it looks like one.
  EXPECT_EQ(One(Entry("eprint = {2301.00001}, eprinttype = {hal},\n"
                      "url = {https://arxiv.org/pdf/2302.00002v1.pdf}"))
                .arxiv_id,
            "2302.00002");
  EXPECT_EQ(One(Entry("eprint = {PMC1234}, eprinttype = {pmcid}")).arxiv_id, "");
}

TEST(ParseCitationFile, ArxivIdFromDoiUrlNoteJournalOrNumber) {
  EXPECT_EQ(One(Entry("doi = {10.48550/ARXIV.2301.00001}")).arxiv_id, "2301.00001");
  EXPECT_EQ(One(Entry("url = {http://arxiv.org/abs/math.GT/0309136v1}")).arxiv_id, "math/0309136");
  EXPECT_EQ(One(Entry("howpublished = {\\url{https://www.arxiv.org/abs/2401.12345}}")).arxiv_id,
            "2401.12345");
  EXPECT_EQ(One(Entry("note = {arXiv:2401.12345 [cs]}")).arxiv_id, "2401.12345");
  EXPECT_EQ(One(Entry("journal = {arXiv preprint arXiv:1706.03762}")).arxiv_id, "1706.03762");
  EXPECT_EQ(One(Entry("journal = {arXiv preprint cs/0503050}")).arxiv_id, "cs/0503050");
  EXPECT_EQ(One(Entry("number = {arXiv:1706.03762}")).arxiv_id, "1706.03762");
  // Ids that do not exist in arXiv's scheme are not taken.
  EXPECT_EQ(One(Entry("note = {arXiv:0612.00001, arXiv:1713.00001}")).arxiv_id, "");
  EXPECT_EQ(One(Entry("url = {https://example.org/2301.00001}")).arxiv_id, "");
}

TEST(ParseCitationFile, NormalisesDois) {
  EXPECT_EQ(One(Entry("doi = {https://doi.org/10.1000/xyz123}")).doi, "10.1000/xyz123");
  EXPECT_EQ(One(Entry("doi = {DOI: 10.1000/a\\_b}")).doi, "10.1000/a_b");
  EXPECT_EQ(One(Entry("doi = {10.1364/JOSAA.23.002578 10.1364/JOSAA.32.002407}")).doi,
            "10.1364/JOSAA.23.002578");
  EXPECT_EQ(One(Entry("url = {http://dx.doi.org/10.1002%2F%28SICI%291097}")).doi,
            "10.1002/(SICI)1097");
  EXPECT_EQ(One(Entry("doi = {not a doi}")).doi, "");
  EXPECT_EQ(One(Entry("url = {https://example.org/10.1000/xyz}")).doi, "");
}

TEST(ParseCitationFile, BibtexValueSyntax) {
  CitationFile file = Parse(
      "@STRING{ conf = \"Proc. \" # {of} }\n"
      "@string(pre = {arXiv:})\n"
      "junk text, e-mail a@b.c and a lone @ sign\n"
      "@comment{ an @misc{inside, title = {not an entry}} }\n"
      "@InProceedings ( paren_key , title = conf # \" \" # \"{Q}uoted {\\\"u} \" # 2023 ,\n"
      "  note = pre # \"2301.00001\", month = aug, title = {second title is ignored}, )\n"
      "@misc{nofields}\n"
      "@misc{trailing, year = 1999,}\n");
  EXPECT_THAT(file.errors, IsEmpty());
  EXPECT_THAT(Rows(file), ElementsAre("paren_key|2301.00001|", "nofields||", "trailing||"));
  ASSERT_FALSE(file.refs.empty());
  EXPECT_EQ(file.refs[0].title, "Proc. of Quoted ü 2023");
  EXPECT_EQ(file.refs[0].line, 5);
}

TEST(ParseCitationFile, ReducesTexToText) {
  EXPECT_EQ(One(Entry("title = {Schr{\\\"o}dinger \\& {\\v{C}}ech -- a {\\em test} of "
                      "\\'{e}t\\'e, {\\ss} \\o{} caf\\'e na\\\"{\\i}ve}"))
                .title,
            "Schrödinger & Čech – a test of été, ß ø café naïve");
  EXPECT_EQ(One(Entry("title = {{\\c{C}}a\\u{g}lar and Erd\\H{o}s on 50\\% of \\LaTeX\\ "
                      "``quotes''---and~more}"))
                .title,
            "Çağlar and Erdős on 50% of LaTeX “quotes”—and more");
  // Math is kept for KaTeX; an accent without a known letter falls back to
  // a combining mark.
  EXPECT_EQ(One(Entry("title = {{$O(n^{2})$} bounds for \\\"q and \\d{h}}")).title,
            "$O(n^{2})$ bounds for q\xCC\x88 and h\xCC\xA3");
  EXPECT_EQ(One(Entry("title = {Unclosed $math and \\unknown{Word} \\}")).title,
            "Unclosed $math and Word");
}

TEST(ParseCitationFile, ReportedStringsAreValidUtf8) {
  CitationRef ref = One("@misc{k\xFF\x01y, title = {Bad \xC3\x28 bytes\x07}}");
  EXPECT_TRUE(IsValidUtf8(ref.key));
  EXPECT_TRUE(IsValidUtf8(ref.title));
  EXPECT_EQ(ref.title.find('\x07'), std::string::npos);
}

// Found by fuzz/citations: a DOI field with a byte that is not UTF-8 came
// back as it was.
TEST(ParseCitationFile, DoisWithBytesThatAreNotTextAreDropped) {
  EXPECT_EQ(One(Entry("doi = {10.1103/PhysRev\xE3.75.043613}")).doi, "");
  EXPECT_EQ(One(Entry("url = {https://doi.org/10.1000/a%FFb}")).doi, "");
  EXPECT_EQ(One(Entry("url = {https://doi.org/10.1000/a%0Ab}")).doi, "");
  EXPECT_EQ(One(Entry("doi = {10.1000/caf\xC3\xA9}")).doi, "10.1000/caf\xC3\xA9");
}

TEST(ParseCitationFile, CapsTheNumberOfReportedErrors) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "@misc{k" + std::to_string(i) + ", title}\n";
  CitationFile file = Parse(text);
  EXPECT_THAT(file.refs, IsEmpty());
  ASSERT_EQ(file.errors.size(), 51u);
  EXPECT_EQ(file.errors[0], "line 1: expected '=' after a field name");
  EXPECT_EQ(file.errors.back(), "... and 950 more");
}

// Every prefix of every fixture, random mutations of them and random token
// soup: the parser must neither crash nor hang and must report valid text.
TEST(ParseCitationFile, SurvivesTruncatedAndRandomInput) {
  std::vector<std::string> seeds;
  for (const char* name : {"zotero.bib", "jabref.bib", "handwritten.bib", "broken.bib",
                           "zotero.ris", "mendeley.ris"}) {
    seeds.push_back(Fixture(name));
  }
  size_t inputs = 0;
  auto check = [&](std::string_view text) {
    ++inputs;
    auto file = ParseCitationFile(text);
    if (!file) {
      ASSERT_EQ(file.error().code, ErrorCode::kInvalidArgument);
      return;
    }
    ASSERT_LE(file->errors.size(), 51u);
    for (const CitationRef& r : file->refs) {
      ASSERT_TRUE(IsValidUtf8(r.key) && IsValidUtf8(r.title)) << text;
      ASSERT_GE(r.line, 1);
    }
  };
  for (const std::string& seed : seeds) {
    for (size_t n = 0; n <= seed.size(); ++n) check(std::string_view(seed).substr(0, n));
  }
  std::mt19937 rng(20240611);
  static constexpr std::string_view kSpecial = "@{}()\"#=,\\$%~'` \n\r\t-";
  for (int round = 0; round < 3000; ++round) {
    std::string text = seeds[rng() % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      size_t at = rng() % text.size();
      switch (rng() % 4) {
        case 0:
          text[at] = kSpecial[rng() % kSpecial.size()];
          break;
        case 1:
          text[at] = static_cast<char>(rng() % 256);
          break;
        case 2:
          text.erase(at, rng() % 16);
          break;
        default:
          text.insert(at, text.substr(rng() % text.size(), rng() % 64));
          break;
      }
    }
    check(text);
  }
  static constexpr std::string_view kTokens[] = {
      "@misc", "@string", "@comment", "@preamble", "{",      "}",          "(",    ")",  "\"", "#",
      "=",     ",",       "title",    "eprint",    "arXiv:", "2301.00001", "\\\"", "\\", "$",  "\n",
      " ",     "TY  - ",  "ER  - ",   "\r\n",      "UR  - ", "\xC3",       "a",    "@"};
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    int n = static_cast<int>(rng() % 60);
    for (int i = 0; i < n; ++i) text += kTokens[rng() % std::size(kTokens)];
    check(text);
  }
  EXPECT_GT(inputs, 10000u);
}

// "@string{m7 = m6 # m6}": each macro twice as long as the one before.
std::string BombStep(int i) {
  std::string prev = std::to_string(i - 1);
  std::string step = "@string{m";
  step += std::to_string(i);
  step += " = m" + prev + " # m" + prev + "}\n";
  return step;
}

TEST(ParseCitationFile, PathologicalInputStaysCheap) {
  auto start = std::chrono::steady_clock::now();
  // Deep nesting is counted, never recursed into.
  CitationRef deep =
      One("@misc{deep, title = " + std::string(30000, '{') + "x" + std::string(30000, '}') + "}");
  EXPECT_EQ(deep.title, "x");
  constexpr int kDepth = 500000;
  CitationFile deeper = Parse("@misc{deeper, title = " + std::string(kDepth, '{') + "x" +
                              std::string(kDepth, '}') + ", eprint = {2301.00001}}");
  EXPECT_THAT(Rows(deeper), ElementsAre("deeper|2301.00001|"));
  CitationFile open = Parse("@misc{open, title = " + std::string(kDepth, '{'));
  EXPECT_THAT(open.errors, ElementsAre("line 1: unterminated entry"));

  // Each entry swallows every later one, then fails: quadratic if re-read
  // naively after every error.
  std::string nested;
  for (int i = 0; i < 50000; ++i) nested += "@misc{k, title = {\n";
  for (int i = 0; i < 50000; ++i) nested += "} x ";
  CitationFile swallowed = Parse(nested);
  EXPECT_THAT(swallowed.refs, IsEmpty());
  EXPECT_FALSE(swallowed.errors.empty());

  // An @string that doubles at every step stays capped.
  std::string bomb = "@string{m0 = \"0123456789abcdef\"}\n";
  for (int i = 1; i <= 40; ++i) {
    bomb += BombStep(i);
  }
  bomb += "@misc{bomb, title = m40 # m40 # m40}\n";
  CitationRef exploded = One(bomb);
  EXPECT_LE(exploded.title.size(), 64u * 1024);
  EXPECT_GT(exploded.title.size(), 60000u);
  // Thousands of such steps are no longer a damaged file but an attack.
  for (int i = 41; i <= 2000; ++i) {
    bomb += BombStep(i);
  }
  EXPECT_THAT(Parse(bomb).errors, ElementsAre(HasSubstr("too damaged to read further")));

  // Many unterminated quotes and unmatched '$' in a long title.
  std::string quotes;
  for (int i = 0; i < 20000; ++i) quotes += "@misc{q, title = \"{\n";
  EXPECT_FALSE(Parse(quotes).errors.empty());
  EXPECT_EQ(One("@misc{d, title = {" + std::string(60000, '$') + "}}").title.size(), 60000u);

  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 20.0);
}

// ---- CslJson ----

simdjson::dom::element ParseJson(simdjson::dom::parser& parser, const std::string& json) {
  simdjson::dom::element doc;
  EXPECT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  return doc;
}

using JsonValue = simdjson::simdjson_result<simdjson::dom::element>;

std::string Str(JsonValue e, const char* key) {
  std::string_view v;
  if (e[key].get_string().get(v) != simdjson::SUCCESS) return "<missing>";
  return std::string(v);
}

std::string Dump(JsonValue e) {
  simdjson::dom::element v;
  if (e.get(v) != simdjson::SUCCESS) return "<missing>";
  return simdjson::to_string(v);
}

Paper SamplePaper() {
  Paper p;
  p.id = "0704.0002";
  p.title = "Sparsity-certifying Graph Decompositions";
  p.abstract = "  We describe a new algorithm,\n the $(k,\\ell)$-pebble game.  ";
  p.authors = {"Ileana Streinu", "Louis Theran"};
  p.submitted = "2007-03-31T02:26:18Z";
  return p;
}

TEST(CslJson, WritesOneItemPerPaper) {
  Paper with_doi = SamplePaper();
  with_doi.id = "0704.0001";
  with_doi.doi = "10.1103/PhysRevD.76.013009";
  with_doi.submitted = "";
  std::string json = CslJson({SamplePaper(), with_doi});
  simdjson::dom::parser parser;
  simdjson::dom::element doc = ParseJson(parser, json);
  simdjson::dom::array items;
  ASSERT_EQ(doc.get_array().get(items), simdjson::SUCCESS);
  ASSERT_EQ(items.size(), 2u);
  JsonValue a = items.at(0);
  EXPECT_EQ(Str(a, "id"), "0704.0002");
  EXPECT_EQ(Str(a, "type"), "article");
  EXPECT_EQ(Str(a, "title"), "Sparsity-certifying Graph Decompositions");
  EXPECT_EQ(Str(a, "abstract"), "We describe a new algorithm, the $(k,\\ell)$-pebble game.");
  EXPECT_EQ(Str(a, "URL"), "https://arxiv.org/abs/0704.0002");
  EXPECT_EQ(Str(a, "DOI"), "10.48550/arXiv.0704.0002");
  EXPECT_EQ(Str(a, "number"), "arXiv:0704.0002");
  EXPECT_EQ(Str(a, "publisher"), "arXiv");
  EXPECT_EQ(Str(a, "genre"), "Preprint");
  EXPECT_EQ(Str(a, "archive"), "arXiv");
  EXPECT_EQ(Str(a["author"].at(1), "family"), "Theran");
  EXPECT_EQ(Str(a["author"].at(1), "given"), "Louis");
  EXPECT_EQ(Dump(a["issued"]), R"({"date-parts":[[2007,3,31]]})");

  JsonValue b = items.at(1);
  EXPECT_EQ(Str(b, "DOI"), "10.1103/PhysRevD.76.013009");
  // Without a submission date, the year and month of the id.
  EXPECT_EQ(Dump(b["issued"]), R"({"date-parts":[[2007,4]]})");
  EXPECT_EQ(CslJson({}), "[]");
}

TEST(CslJson, SplitsNames) {
  Paper p = SamplePaper();
  p.authors = {"Johannes Diderik van der Waals",
               "Martin Luther King, Jr.",
               "C. Bal\\'azs",
               "Plato",
               "The BABAR Collaboration",
               "  Ludwig   von Beethoven ",
               "Jean de la Fontaine",
               "C.-P. Yuan"};
  simdjson::dom::parser parser;
  simdjson::dom::element doc = ParseJson(parser, CslJson({p}));
  simdjson::dom::array authors;
  ASSERT_EQ(doc.at(0)["author"].get_array().get(authors), simdjson::SUCCESS);
  std::vector<std::string> names;
  for (simdjson::dom::element a : authors) names.push_back(simdjson::to_string(a));
  EXPECT_THAT(names, ElementsAre(R"({"family":"van der Waals","given":"Johannes Diderik"})",
                                 R"({"family":"King","given":"Martin Luther","suffix":"Jr."})",
                                 R"({"family":"Balázs","given":"C."})", R"({"literal":"Plato"})",
                                 R"({"literal":"The BABAR Collaboration"})",
                                 R"({"family":"von Beethoven","given":"Ludwig"})",
                                 R"({"family":"de la Fontaine","given":"Jean"})",
                                 R"({"family":"Yuan","given":"C.-P."})"));
}

TEST(CslJson, HostileTitlesStayValidJson) {
  Paper p = SamplePaper();
  p.title = "A \"quoted\" \\emph{title} with $\\frac{a}{b}$ </script> \x01\x1F tab\t and \xFF\xFE";
  p.abstract = "line\nbreak \"and\" \\ backslash \x7F";
  p.authors = {"\"Bobby\" Tables\x02", "\xC3"};
  std::string json = CslJson({p, p});
  simdjson::dom::parser parser;
  simdjson::dom::element doc = ParseJson(parser, json);
  EXPECT_THAT(Str(doc.at(0), "title"), HasSubstr("A \"quoted\" title with $\\frac{a}{b}$"));
  EXPECT_EQ(json.find("</script>"), std::string::npos);
  EXPECT_TRUE(IsValidUtf8(json));
}

// Every record of the real Kaggle slice converts to valid CSL-JSON.
TEST(CslJson, ConvertsRealArxivRecords) {
  std::ifstream in(testing::SharedDataDir() +
                   "/arxiv-kaggle-jsonl/wanng-ide__arxiv-metadata-oai-snapshot_head200.jsonl");
  if (!in) GTEST_SKIP() << "shared data not present";
  simdjson::dom::parser line_parser;
  std::vector<Paper> papers;
  std::string line;
  while (std::getline(in, line)) {
    JsonValue rec = line_parser.parse(line);
    ASSERT_EQ(rec.error(), simdjson::SUCCESS);
    Paper p;
    p.id = Str(rec, "id");
    p.title = CollapseWhitespace(Str(rec, "title"));
    p.abstract = Str(rec, "abstract");
    std::string_view doi;
    if (rec["doi"].get_string().get(doi) == simdjson::SUCCESS) p.doi = std::string(doi);
    std::string authors = CollapseWhitespace(Str(rec, "authors"));
    for (std::string_view a : Split(authors, ',')) {
      std::string_view name = TrimView(a);
      if (StartsWith(name, "and ")) name.remove_prefix(4);
      auto and_at = name.find(" and ");
      if (and_at != std::string_view::npos) {
        p.authors.emplace_back(name.substr(0, and_at));
        name.remove_prefix(and_at + 5);
      }
      if (!name.empty()) p.authors.emplace_back(name);
    }
    papers.push_back(std::move(p));
  }
  ASSERT_EQ(papers.size(), 200u);
  std::string json = CslJson(papers);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = ParseJson(parser, json);
  simdjson::dom::array items;
  ASSERT_EQ(doc.get_array().get(items), simdjson::SUCCESS);
  EXPECT_EQ(items.size(), 200u);
  EXPECT_EQ(Str(items.at(0)["author"].at(0), "family"), "Balázs");
  EXPECT_EQ(Str(items.at(0), "DOI"), "10.1103/PhysRevD.76.013009");
}

}  // namespace
}  // namespace paperpulse::http
