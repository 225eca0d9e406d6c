#include "paperpulse/ingest/oai_dc_jsonl.h"

#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"
#include "paperpulse/base/url.h"
#include "paperpulse/ingest/json_util.h"
#include "paperpulse/ingest/readers.h"

namespace paperpulse::ingest {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// oai_dc names categories by their full names ("<archive group> - <name>",
// or the archive alone when it has no subdivisions). The table follows the
// arXiv category taxonomy, including names since retired ("Computer Science -
// Learning", "Astrophysics" before its 2009 split), so that old records map.
constexpr std::pair<std::string_view, std::string_view> kSubjectCategories[] = {
    {"Astrophysics", "astro-ph"},
    {"Astrophysics - Astrophysics of Galaxies", "astro-ph.GA"},
    {"Astrophysics - Cosmology and Nongalactic Astrophysics", "astro-ph.CO"},
    {"Astrophysics - Earth and Planetary Astrophysics", "astro-ph.EP"},
    {"Astrophysics - High Energy Astrophysical Phenomena", "astro-ph.HE"},
    {"Astrophysics - Instrumentation and Methods for Astrophysics", "astro-ph.IM"},
    {"Astrophysics - Solar and Stellar Astrophysics", "astro-ph.SR"},
    {"Computer Science - Artificial Intelligence", "cs.AI"},
    {"Computer Science - Computation and Language", "cs.CL"},
    {"Computer Science - Computational Complexity", "cs.CC"},
    {"Computer Science - Computational Engineering, Finance, and Science", "cs.CE"},
    {"Computer Science - Computational Geometry", "cs.CG"},
    {"Computer Science - Computer Science and Game Theory", "cs.GT"},
    {"Computer Science - Computer Vision and Pattern Recognition", "cs.CV"},
    {"Computer Science - Computers and Society", "cs.CY"},
    {"Computer Science - Cryptography and Security", "cs.CR"},
    {"Computer Science - Data Structures and Algorithms", "cs.DS"},
    {"Computer Science - Databases", "cs.DB"},
    {"Computer Science - Digital Libraries", "cs.DL"},
    {"Computer Science - Discrete Mathematics", "cs.DM"},
    {"Computer Science - Distributed, Parallel, and Cluster Computing", "cs.DC"},
    {"Computer Science - Emerging Technologies", "cs.ET"},
    {"Computer Science - Formal Languages and Automata Theory", "cs.FL"},
    {"Computer Science - General Literature", "cs.GL"},
    {"Computer Science - Graphics", "cs.GR"},
    {"Computer Science - Hardware Architecture", "cs.AR"},
    {"Computer Science - Human-Computer Interaction", "cs.HC"},
    {"Computer Science - Information Retrieval", "cs.IR"},
    {"Computer Science - Information Theory", "cs.IT"},
    {"Computer Science - Learning", "cs.LG"},
    {"Computer Science - Logic in Computer Science", "cs.LO"},
    {"Computer Science - Machine Learning", "cs.LG"},
    {"Computer Science - Mathematical Software", "cs.MS"},
    {"Computer Science - Multiagent Systems", "cs.MA"},
    {"Computer Science - Multimedia", "cs.MM"},
    {"Computer Science - Networking and Internet Architecture", "cs.NI"},
    {"Computer Science - Neural and Evolutionary Computing", "cs.NE"},
    {"Computer Science - Numerical Analysis", "cs.NA"},
    {"Computer Science - Operating Systems", "cs.OS"},
    {"Computer Science - Other Computer Science", "cs.OH"},
    {"Computer Science - Performance", "cs.PF"},
    {"Computer Science - Programming Languages", "cs.PL"},
    {"Computer Science - Robotics", "cs.RO"},
    {"Computer Science - Social and Information Networks", "cs.SI"},
    {"Computer Science - Software Engineering", "cs.SE"},
    {"Computer Science - Sound", "cs.SD"},
    {"Computer Science - Symbolic Computation", "cs.SC"},
    {"Computer Science - Systems and Control", "cs.SY"},
    {"Condensed Matter", "cond-mat"},
    {"Condensed Matter - Disordered Systems and Neural Networks", "cond-mat.dis-nn"},
    {"Condensed Matter - Materials Science", "cond-mat.mtrl-sci"},
    {"Condensed Matter - Mesoscale and Nanoscale Physics", "cond-mat.mes-hall"},
    {"Condensed Matter - Other Condensed Matter", "cond-mat.other"},
    {"Condensed Matter - Quantum Gases", "cond-mat.quant-gas"},
    {"Condensed Matter - Soft Condensed Matter", "cond-mat.soft"},
    {"Condensed Matter - Statistical Mechanics", "cond-mat.stat-mech"},
    {"Condensed Matter - Strongly Correlated Electrons", "cond-mat.str-el"},
    {"Condensed Matter - Superconductivity", "cond-mat.supr-con"},
    {"Economics - Econometrics", "econ.EM"},
    {"Economics - General Economics", "econ.GN"},
    {"Economics - Theoretical Economics", "econ.TH"},
    {"Electrical Engineering and Systems Science - Audio and Speech Processing", "eess.AS"},
    {"Electrical Engineering and Systems Science - Image and Video Processing", "eess.IV"},
    {"Electrical Engineering and Systems Science - Signal Processing", "eess.SP"},
    {"Electrical Engineering and Systems Science - Systems and Control", "eess.SY"},
    {"General Relativity and Quantum Cosmology", "gr-qc"},
    {"High Energy Physics - Experiment", "hep-ex"},
    {"High Energy Physics - Lattice", "hep-lat"},
    {"High Energy Physics - Phenomenology", "hep-ph"},
    {"High Energy Physics - Theory", "hep-th"},
    {"Mathematical Physics", "math-ph"},
    {"Mathematics - Algebraic Geometry", "math.AG"},
    {"Mathematics - Algebraic Topology", "math.AT"},
    {"Mathematics - Analysis of PDEs", "math.AP"},
    {"Mathematics - Category Theory", "math.CT"},
    {"Mathematics - Classical Analysis and ODEs", "math.CA"},
    {"Mathematics - Combinatorics", "math.CO"},
    {"Mathematics - Commutative Algebra", "math.AC"},
    {"Mathematics - Complex Variables", "math.CV"},
    {"Mathematics - Differential Geometry", "math.DG"},
    {"Mathematics - Dynamical Systems", "math.DS"},
    {"Mathematics - Functional Analysis", "math.FA"},
    {"Mathematics - General Mathematics", "math.GM"},
    {"Mathematics - General Topology", "math.GN"},
    {"Mathematics - Geometric Topology", "math.GT"},
    {"Mathematics - Group Theory", "math.GR"},
    {"Mathematics - History and Overview", "math.HO"},
    {"Mathematics - Information Theory", "math.IT"},
    {"Mathematics - K-Theory and Homology", "math.KT"},
    {"Mathematics - Logic", "math.LO"},
    {"Mathematics - Mathematical Physics", "math.MP"},
    {"Mathematics - Metric Geometry", "math.MG"},
    {"Mathematics - Number Theory", "math.NT"},
    {"Mathematics - Numerical Analysis", "math.NA"},
    {"Mathematics - Operator Algebras", "math.OA"},
    {"Mathematics - Optimization and Control", "math.OC"},
    {"Mathematics - Probability", "math.PR"},
    {"Mathematics - Quantum Algebra", "math.QA"},
    {"Mathematics - Representation Theory", "math.RT"},
    {"Mathematics - Rings and Algebras", "math.RA"},
    {"Mathematics - Spectral Theory", "math.SP"},
    {"Mathematics - Statistics Theory", "math.ST"},
    {"Mathematics - Symplectic Geometry", "math.SG"},
    {"Nonlinear Sciences - Adaptation and Self-Organizing Systems", "nlin.AO"},
    {"Nonlinear Sciences - Cellular Automata and Lattice Gases", "nlin.CG"},
    {"Nonlinear Sciences - Chaotic Dynamics", "nlin.CD"},
    {"Nonlinear Sciences - Exactly Solvable and Integrable Systems", "nlin.SI"},
    {"Nonlinear Sciences - Pattern Formation and Solitons", "nlin.PS"},
    {"Nuclear Experiment", "nucl-ex"},
    {"Nuclear Theory", "nucl-th"},
    {"Physics - Accelerator Physics", "physics.acc-ph"},
    {"Physics - Applied Physics", "physics.app-ph"},
    {"Physics - Atmospheric and Oceanic Physics", "physics.ao-ph"},
    {"Physics - Atomic Physics", "physics.atom-ph"},
    {"Physics - Atomic and Molecular Clusters", "physics.atm-clus"},
    {"Physics - Biological Physics", "physics.bio-ph"},
    {"Physics - Chemical Physics", "physics.chem-ph"},
    {"Physics - Classical Physics", "physics.class-ph"},
    {"Physics - Computational Physics", "physics.comp-ph"},
    {"Physics - Data Analysis, Statistics and Probability", "physics.data-an"},
    {"Physics - Fluid Dynamics", "physics.flu-dyn"},
    {"Physics - General Physics", "physics.gen-ph"},
    {"Physics - Geophysics", "physics.geo-ph"},
    {"Physics - History and Philosophy of Physics", "physics.hist-ph"},
    {"Physics - Instrumentation and Detectors", "physics.ins-det"},
    {"Physics - Medical Physics", "physics.med-ph"},
    {"Physics - Optics", "physics.optics"},
    {"Physics - Physics Education", "physics.ed-ph"},
    {"Physics - Physics and Society", "physics.soc-ph"},
    {"Physics - Plasma Physics", "physics.plasm-ph"},
    {"Physics - Popular Physics", "physics.pop-ph"},
    {"Physics - Space Physics", "physics.space-ph"},
    {"Quantitative Biology - Biomolecules", "q-bio.BM"},
    {"Quantitative Biology - Cell Behavior", "q-bio.CB"},
    {"Quantitative Biology - Genomics", "q-bio.GN"},
    {"Quantitative Biology - Molecular Networks", "q-bio.MN"},
    {"Quantitative Biology - Neurons and Cognition", "q-bio.NC"},
    {"Quantitative Biology - Other Quantitative Biology", "q-bio.OT"},
    {"Quantitative Biology - Populations and Evolution", "q-bio.PE"},
    {"Quantitative Biology - Quantitative Methods", "q-bio.QM"},
    {"Quantitative Biology - Subcellular Processes", "q-bio.SC"},
    {"Quantitative Biology - Tissues and Organs", "q-bio.TO"},
    {"Quantitative Finance - Computational Finance", "q-fin.CP"},
    {"Quantitative Finance - Economics", "q-fin.EC"},
    {"Quantitative Finance - General Finance", "q-fin.GN"},
    {"Quantitative Finance - Mathematical Finance", "q-fin.MF"},
    {"Quantitative Finance - Portfolio Management", "q-fin.PM"},
    {"Quantitative Finance - Pricing of Securities", "q-fin.PR"},
    {"Quantitative Finance - Risk Management", "q-fin.RM"},
    {"Quantitative Finance - Statistical Finance", "q-fin.ST"},
    {"Quantitative Finance - Trading and Market Microstructure", "q-fin.TR"},
    {"Quantum Physics", "quant-ph"},
    {"Statistics - Applications", "stat.AP"},
    {"Statistics - Computation", "stat.CO"},
    {"Statistics - Machine Learning", "stat.ML"},
    {"Statistics - Methodology", "stat.ME"},
    {"Statistics - Other Statistics", "stat.OT"},
    {"Statistics - Statistics Theory", "stat.TH"},
};

const std::unordered_map<std::string_view, std::string_view>& SubjectTable() {
  // Leaked on purpose: no destructor runs at exit (static-destruction order).
  static const auto* table = new std::unordered_map<std::string_view, std::string_view>(
      std::begin(kSubjectCategories), std::end(kSubjectCategories));
  return *table;
}

bool HasLetterOrDigit(std::string_view s) {
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u >= 0x80) {
      return true;
    }
  }
  return false;
}

// Calls `fn` for each string of a Dublin Core element: a list of strings as
// this mirror writes it, or a bare string as other converters do.
template <typename Fn>
void ForEachString(element e, Fn&& fn) {
  std::string_view s;
  if (!e.get_string().get(s)) {
    fn(s);
    return;
  }
  array items;
  if (e.get_array().get(items)) return;
  for (element item : items) {
    if (!item.get_string().get(s)) fn(s);
  }
}

// Builds the Paper of `fields` (the Dublin Core object) with `raw_id` from
// the line; returns the reject reason, "" when usable.
std::string Convert(std::string_view raw_id, object fields, Paper& paper) {
  std::string_view title, abstract, comment, journal_ref, first_date, last_date, abs_url;
  int dates = 0;
  std::string doi;
  for (auto field : fields) {
    std::string_view key = field.key;
    if (key == "title") {
      ForEachString(field.value, [&](std::string_view s) {
        if (title.empty()) title = s;
      });
    } else if (key == "creator") {
      ForEachString(field.value, [&](std::string_view s) {
        std::string name = OaiDcCreatorName(s);
        if (!name.empty()) paper.authors.push_back(std::move(name));
      });
    } else if (key == "subject") {
      ForEachString(field.value, [&](std::string_view s) {
        std::string_view code = CategoryFromOaiDcSubject(s);
        if (code.empty()) return;
        for (const std::string& have : paper.categories) {
          if (have == code) return;
        }
        paper.categories.emplace_back(code);
      });
    } else if (key == "description") {
      ForEachString(field.value, [&](std::string_view s) {
        std::string_view t = TrimView(s);
        if (StartsWith(t, "Comment:")) {
          if (comment.empty()) comment = t.substr(8);
        } else if (abstract.empty()) {
          abstract = t;
        }
      });
    } else if (key == "date") {
      ForEachString(field.value, [&](std::string_view s) {
        if (dates++ == 0) first_date = s;
        last_date = s;
      });
    } else if (key == "identifier") {
      ForEachString(field.value, [&](std::string_view s) {
        std::string_view t = TrimView(s);
        if (StartsWith(t, "doi:")) {
          t = TrimView(t.substr(4));
          while (!t.empty() && (t.back() == ',' || t.back() == ';')) t.remove_suffix(1);
          if (t.empty()) return;
          if (!doi.empty()) doi.push_back(' ');
          doi.append(t);
        } else if (IsHttpUrl(t)) {
          if (abs_url.empty() && t.find("/abs/") != std::string_view::npos) abs_url = t;
        } else if (journal_ref.empty()) {
          journal_ref = t;
        }
      });
    }
  }

  if (TrimView(raw_id).empty()) raw_id = abs_url;
  std::string reason;
  auto id = json::ParseRecordId(raw_id, reason);
  if (!id) return reason;
  paper.title = json::NormalizeText(title);
  if (paper.title.empty()) return "missing title";
  paper.id = std::move(id->base);
  paper.abstract = TrimView(abstract);
  paper.comments = json::Collapse(comment);
  paper.journal_ref = json::Collapse(journal_ref);
  paper.doi = std::move(doi);
  paper.submitted = NormalizeTimestamp(first_date).value_or("");
  paper.updated = NormalizeTimestamp(last_date).value_or("");
  paper.latest_version = id->version > 0 ? id->version : (dates == 1 ? 1 : 0);
  return {};
}

}  // namespace

std::string_view CategoryFromOaiDcSubject(std::string_view subject) {
  const auto& table = SubjectTable();
  auto it = table.find(TrimView(subject));
  return it == table.end() ? std::string_view() : it->second;
}

std::string OaiDcCreatorName(std::string_view creator) {
  std::vector<std::string_view> parts = Split(creator, ',');
  for (auto& p : parts) p = TrimView(p);
  std::string name;
  if (parts.size() == 1) {
    name = parts[0];
  } else {
    // "Surname, Forenames" or "Surname, Suffix, Forenames": forenames are
    // the rest after the surname (and the suffix), commas and all.
    size_t forenames_at = parts.size() >= 3 ? 2 : 1;
    for (size_t i = forenames_at; i < parts.size(); ++i) {
      if (i > forenames_at) name.append(", ");
      name.append(parts[i]);
    }
    name.push_back(' ');
    name.append(parts[0]);
    if (parts.size() >= 3) {
      name.push_back(' ');
      name.append(parts[1]);
    }
  }
  if (!HasLetterOrDigit(name)) return {};
  return json::NormalizeText(name);
}

std::string_view OaiDcJsonlReader::Name() const { return "oai-dc-jsonl"; }

bool OaiDcJsonlReader::Sniff(std::string_view head, std::string_view /*path*/) const {
  bool complete = false;
  std::string_view line = json::SkipBomAndSpace(json::FirstLine(head, complete));
  if (line.size() < 2 || line[0] != '[') return false;
  line = json::SkipBomAndSpace(line.substr(1));
  if (line.empty() || line[0] != '"') return false;
  size_t close = line.find('"', 1);
  if (close > 100) return false;  // also when there is none (npos)
  if (!ParseArxivId(line.substr(1, close - 1))) return false;
  line = json::SkipBomAndSpace(line.substr(close + 1));
  if (line.empty() || line[0] != ',') return false;
  line = json::SkipBomAndSpace(line.substr(1));
  if (line.empty() || line[0] != '{') return false;
  for (std::string_view key :
       {"creator", "title", "subject", "identifier", "date", "description"}) {
    if (json::HasKey(line, key)) return true;
  }
  return false;
}

Status OaiDcJsonlReader::Read(ByteSource& source, RecordSink& sink) {
  return json::ForEachJsonLine(source, sink, [&](element root, const SourcePos& pos) {
    std::string_view raw_id;
    object fields;
    bool have_fields = false;
    array pair;
    if (!root.get_array().get(pair)) {
      size_t n = 0;
      for (element e : pair) {
        if (n == 0) {
          raw_id = json::StringOr(e);
        } else if (n == 1) {
          have_fields = !e.get_object().get(fields);
        }
        ++n;
      }
      if (n != 2) have_fields = false;
    } else {
      // A bare Dublin Core object (other converters): the id comes from the
      // abs URL among its identifiers.
      have_fields = !root.get_object().get(fields);
    }
    if (!have_fields) {
      sink.OnReject(pos, "not an [id, {oai_dc fields}] pair");
      return;
    }
    Paper paper;
    std::string reason = Convert(raw_id, fields, paper);
    if (!reason.empty()) {
      sink.OnReject(pos, std::move(reason));
      return;
    }
    sink.OnPaper(std::move(paper), pos);
  });
}

std::unique_ptr<Reader> MakeOaiDcJsonlReader() { return std::make_unique<OaiDcJsonlReader>(); }

}  // namespace paperpulse::ingest
