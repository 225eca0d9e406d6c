#!/usr/bin/env python3
"""Writes a realistic N-record arXiv metadata dump for scale tests (issue 14).

The output has the format of Kaggle's arxiv-metadata-oai-snapshot.json (JSON
Lines, the 14 keys), and every part of it is rebuilt from the ~47k real papers
of ../shared/data rather than copied:

- abstracts: a real abstract of the paper's primary category gives the
  length in sentences; the sentences are real ones of that category (the
  first from real first sentences, TeX as it was), and about 15 % of their
  content words are swapped for a word of the same category, the same ending
  (so mostly the same part of speech) and a similar frequency. Lengths and
  term statistics stay arXiv's, sentences rarely repeat exactly even at 2.7M
  records, and 40 % of the papers bring one new word (the tail of rare terms
  a real corpus keeps growing).
- titles: a real title of the category cut at its connectives (":", "for",
  "of", ...), its tails replaced by tails of other titles, words swapped;
  a title seen before is drawn again, so all titles are distinct.
- ids: new-style YYMM.NNNN (YYMM.NNNNN from 1501) from 0704 to 2611, spread
  over the months with arXiv's growth (~4.5k a month in 2007, ~24k in 2024),
  numbers increasing within a month (spread over the month's full-scale range
  when N is small); v1 on a weekday of that month, ~35 % with v2, ~10 % v3+.
- categories: the primary drawn from the real distribution of its era (the
  2007-08, 2015-16 and 2025-26 samples, blended by year), the cross-lists of
  a real paper with that primary (real co-occurrence).
- authors: each archive's real people, ranked by their papers in the pool,
  then people combined from real first and last names; person k writes with
  probability ~ 1/(k + b) (Lotka's law), so a few names recur in hundreds of
  papers at 100k+ records. Author counts follow the category's real ones,
  big collaborations included.
- comments, journal-ref, doi, report-no, license: drawn from real papers of
  the nearest years (and of the same group for comments and journals); DOIs
  get fresh digits.

Deterministic: the same seed, size and source data give byte-identical
output, whatever the number of worker processes (chunk i of CHUNK records
uses its own random.Random seeded with the seed and i; nothing depends on
hash order).

usage: gen_corpus.py --size N --out FILE [--seed S] [--shared DIR] [--jobs J]
       gen_corpus.py --stats FILE [--shared DIR]
  N: 300000, 100k or 2.7M. DIR: the folder holding data/ (default ../shared
  beside the repository). J: worker processes (default: one per CPU from
  500k records on). --stats prints the distributions of FILE next to those of
  the real papers.
"""
import argparse
import ast
import bisect
import collections
import csv
import datetime
import gc
import glob
import hashlib
import itertools
import json
import math
import multiprocessing
import os
import random
import re
import sys
import time
from json.encoder import encode_basestring_ascii as _esc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SHARED = os.path.join(ROOT, "..", "shared")

FIRST_MONTH = (2007, 4)  # 0704: the first new-style ids
LAST_MONTH = (2026, 11)  # 2611
LAST_DAY = datetime.date(2026, 11, 30)  # no version is dated later
FULL_SCALE = 2_700_000  # the real dump's size: month sizes at full scale
CHUNK = 4000  # records per work unit (and per random stream)

# oai_dc names categories by their full names; the taxonomy's archives with
# subdivisions ("<group> - <name>") and the archives named alone.
_GROUPS = {
    "Astrophysics": ("astro-ph", "Astrophysics of Galaxies=GA|Cosmology and Nongalactic Astrophysics=CO|"
                     "Earth and Planetary Astrophysics=EP|High Energy Astrophysical Phenomena=HE|"
                     "Instrumentation and Methods for Astrophysics=IM|Solar and Stellar Astrophysics=SR"),
    "Computer Science": ("cs", "Artificial Intelligence=AI|Computation and Language=CL|"
                         "Computational Complexity=CC|Computational Engineering, Finance, and Science=CE|"
                         "Computational Geometry=CG|Computer Science and Game Theory=GT|"
                         "Computer Vision and Pattern Recognition=CV|Computers and Society=CY|"
                         "Cryptography and Security=CR|Data Structures and Algorithms=DS|Databases=DB|"
                         "Digital Libraries=DL|Discrete Mathematics=DM|"
                         "Distributed, Parallel, and Cluster Computing=DC|Emerging Technologies=ET|"
                         "Formal Languages and Automata Theory=FL|General Literature=GL|Graphics=GR|"
                         "Hardware Architecture=AR|Human-Computer Interaction=HC|Information Retrieval=IR|"
                         "Information Theory=IT|Learning=LG|Machine Learning=LG|Logic in Computer Science=LO|"
                         "Mathematical Software=MS|Multiagent Systems=MA|Multimedia=MM|"
                         "Networking and Internet Architecture=NI|Neural and Evolutionary Computing=NE|"
                         "Numerical Analysis=NA|Operating Systems=OS|Other Computer Science=OH|"
                         "Performance=PF|Programming Languages=PL|Robotics=RO|"
                         "Social and Information Networks=SI|Software Engineering=SE|Sound=SD|"
                         "Symbolic Computation=SC|Systems and Control=SY"),
    "Condensed Matter": ("cond-mat", "Disordered Systems and Neural Networks=dis-nn|Materials Science=mtrl-sci|"
                         "Mesoscale and Nanoscale Physics=mes-hall|Other Condensed Matter=other|"
                         "Quantum Gases=quant-gas|Soft Condensed Matter=soft|Statistical Mechanics=stat-mech|"
                         "Strongly Correlated Electrons=str-el|Superconductivity=supr-con"),
    "Economics": ("econ", "Econometrics=EM|General Economics=GN|Theoretical Economics=TH"),
    "Electrical Engineering and Systems Science": (
        "eess", "Audio and Speech Processing=AS|Image and Video Processing=IV|Signal Processing=SP|"
                "Systems and Control=SY"),
    "Mathematics": ("math", "Algebraic Geometry=AG|Algebraic Topology=AT|Analysis of PDEs=AP|Category Theory=CT|"
                    "Classical Analysis and ODEs=CA|Combinatorics=CO|Commutative Algebra=AC|Complex Variables=CV|"
                    "Differential Geometry=DG|Dynamical Systems=DS|Functional Analysis=FA|"
                    "General Mathematics=GM|General Topology=GN|Geometric Topology=GT|Group Theory=GR|"
                    "History and Overview=HO|Information Theory=IT|K-Theory and Homology=KT|Logic=LO|"
                    "Mathematical Physics=MP|Metric Geometry=MG|Number Theory=NT|Numerical Analysis=NA|"
                    "Operator Algebras=OA|Optimization and Control=OC|Probability=PR|Quantum Algebra=QA|"
                    "Representation Theory=RT|Rings and Algebras=RA|Spectral Theory=SP|Statistics Theory=ST|"
                    "Symplectic Geometry=SG"),
    "Nonlinear Sciences": ("nlin", "Adaptation and Self-Organizing Systems=AO|Cellular Automata and Lattice Gases=CG|"
                           "Chaotic Dynamics=CD|Exactly Solvable and Integrable Systems=SI|"
                           "Pattern Formation and Solitons=PS"),
    "Physics": ("physics", "Accelerator Physics=acc-ph|Applied Physics=app-ph|Atmospheric and Oceanic Physics=ao-ph|"
                "Atomic Physics=atom-ph|Atomic and Molecular Clusters=atm-clus|Biological Physics=bio-ph|"
                "Chemical Physics=chem-ph|Classical Physics=class-ph|Computational Physics=comp-ph|"
                "Data Analysis, Statistics and Probability=data-an|Fluid Dynamics=flu-dyn|General Physics=gen-ph|"
                "Geophysics=geo-ph|History and Philosophy of Physics=hist-ph|Instrumentation and Detectors=ins-det|"
                "Medical Physics=med-ph|Optics=optics|Physics Education=ed-ph|Physics and Society=soc-ph|"
                "Plasma Physics=plasm-ph|Popular Physics=pop-ph|Space Physics=space-ph"),
    "Quantitative Biology": ("q-bio", "Biomolecules=BM|Cell Behavior=CB|Genomics=GN|Molecular Networks=MN|"
                             "Neurons and Cognition=NC|Other Quantitative Biology=OT|Populations and Evolution=PE|"
                             "Quantitative Methods=QM|Subcellular Processes=SC|Tissues and Organs=TO"),
    "Quantitative Finance": ("q-fin", "Computational Finance=CP|Economics=EC|General Finance=GN|"
                             "Mathematical Finance=MF|Portfolio Management=PM|Pricing of Securities=PR|"
                             "Risk Management=RM|Statistical Finance=ST|Trading and Market Microstructure=TR"),
    "Statistics": ("stat", "Applications=AP|Computation=CO|Machine Learning=ML|Methodology=ME|"
                   "Other Statistics=OT|Statistics Theory=TH"),
}
_ARCHIVES = {
    "Astrophysics": "astro-ph", "Condensed Matter": "cond-mat", "General Relativity and Quantum Cosmology": "gr-qc",
    "High Energy Physics - Experiment": "hep-ex", "High Energy Physics - Lattice": "hep-lat",
    "High Energy Physics - Phenomenology": "hep-ph", "High Energy Physics - Theory": "hep-th",
    "Mathematical Physics": "math-ph", "Nuclear Experiment": "nucl-ex", "Nuclear Theory": "nucl-th",
    "Quantum Physics": "quant-ph",
}


def _subject_table():
    table = dict(_ARCHIVES)
    for group, (archive, names) in _GROUPS.items():
        for item in names.split("|"):
            name, code = item.split("=")
            table["%s - %s" % (group, name)] = "%s.%s" % (archive, code)
    return table


SUBJECTS = _subject_table()

# Words never swapped in abstracts and titles (function words and the
# scaffolding of abstracts; swapping them breaks sentences, not topics).
STOPWORDS = frozenset("""
about above after again against also although among another around based been before being below
between both cannot could does doing down during each either else even every from further given
have having here hence however into itself just last less many more most much must neither never
next none only other otherwise over same several shall should since some such than that their
theirs them then there therefore these they this those though thus through towards under until upon
very were what when where whereas whether which while whom whose will with within without would
your paper work present show shows shown study studies propose proposed result results using used
first second third well""".split())

# Title connectives at which a title is cut into a head and tails.
_CONNECTIVE = re.compile(r"(:\s+|\s+(?:for|of|in|with|on|via|and|from|to|using|under|at|by|through|towards?)\s+)",
                         re.I)
# A possible sentence end in whitespace-collapsed text.
_SENTENCE_END = re.compile(r"[.!?] (?=[A-Z0-9$\\(\[])")
# A sentence does not end after these ("et al.", "Fig. 2").
_ABBREVIATIONS = frozenset("al e.g i.e etc vs cf Fig Figs Eq Eqs Ref Refs Sec Secs Ch resp approx ca Dr Prof Mr Ms "
                           "St No Nos Vol Thm Lem Prop Def Rev Phys Lett Math Proc".split())
# Words a swap may replace: lower-case, 4+ letters, spaces around (the
# generator splits sentences at spaces, so "word," is left alone).
_WORD = re.compile(r" ([a-z]{4,})(?= )")
_TITLE_WORD = re.compile(r" ([A-Za-z][a-z]{3,})(?= )")
_NAME_PARTICLES = frozenset("van von der den de da di del della dos das du la le ten ter".split())
_NAME_SUFFIXES = frozenset("Jr. Jr Sr. Sr II III IV".split())
_NEW_ID = re.compile(r"^(\d{2})(\d{2})\.\d{4,5}")
_OLD_ID = re.compile(r"^[a-z-]+(?:\.[A-Z]{2})?/(\d{2})\d{5}")
_CATEGORY = re.compile(r"^[a-z-]+(?:\.[A-Za-z-]+)?$")
_LAST_DIGITS = re.compile(r"(\d+)(\D*)$")
_HTML_TAG = re.compile(r"<[^>]+>")

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# ---------------------------------------------------------------- the pool


UNKNOWN = object()  # a field the source does not carry (None: known to be empty)


class Doc:
    """One real paper of the pool: text whitespace-collapsed, authors as
    (last, first, suffix), categories a list (primary first) or None."""
    __slots__ = ("id", "year", "categories", "title", "abstract", "authors", "comments", "journal_ref", "doi",
                 "report_no", "license", "unbiased")

    def __init__(self, id, year, title, abstract, authors, categories, unbiased):
        self.id, self.year, self.title, self.abstract, self.authors = id, year, title, abstract, authors
        self.categories = categories
        self.unbiased = unbiased  # from a sample of all of arXiv, not of some lists
        self.comments = self.journal_ref = self.doi = self.report_no = self.license = UNKNOWN


def id_year(arxiv_id):
    m = _NEW_ID.match(arxiv_id)
    if m:
        return 2000 + int(m.group(1))
    m = _OLD_ID.match(arxiv_id)
    if m:
        yy = int(m.group(1))
        return 1900 + yy if yy >= 91 else 2000 + yy
    return None


def _clean(text):
    return " ".join(text.split()) if text else ""


def _or_none(text):
    return _clean(text) or None


def split_name(name):
    """'First van Last Jr.' -> (last, first, suffix); None for no name."""
    words = name.split()
    if not words:
        return None
    suffix = ""
    if len(words) > 1 and words[-1] in _NAME_SUFFIXES:
        suffix = words.pop()
    i = len(words) - 1
    while i > 1 and words[i - 1].lower() in _NAME_PARTICLES:
        i -= 1
    return (" ".join(words[i:]), " ".join(words[:i]), suffix)


def _parsed_name(last, first="", suffix=""):
    last = _clean(last)
    return (last, _clean(first), _clean(suffix)) if last else None


def _names(raw):
    return [n for n in map(split_name, raw) if n]


class _Pool:
    """Collects Docs, one per arXiv id: the first usable record wins, so a
    loader asks `wants(id)` before it does the work of building one."""

    def __init__(self):
        self.docs, self.seen = [], set()

    def wants(self, arxiv_id):
        return arxiv_id not in self.seen

    def add(self, arxiv_id, title, abstract, authors, categories=None, unbiased=False):
        """The new Doc, or None when the record is unusable."""
        title, abstract, year = _clean(title), _clean(abstract), id_year(arxiv_id)
        if arxiv_id in self.seen or not title or len(abstract) < 40 or year is None:
            return None
        self.seen.add(arxiv_id)
        categories = [c for c in categories or () if _CATEGORY.match(c)]  # not MSC/ACM classes
        # An author list is "A, B and C": no name may hold a comma or " and ".
        authors = [a for a in authors if not any("," in p or " and " in p for p in a)]
        d = Doc(arxiv_id, year, title, abstract, authors, categories or None, unbiased)
        self.docs.append(d)
        return d


def _load_kaggle_jsonl(data, pool):
    for path in sorted(glob.glob(os.path.join(data, "arxiv-kaggle-jsonl", "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    _add_kaggle(json.loads(line), pool)


def _load_kaggle_csv(data, pool):
    for path in sorted(glob.glob(os.path.join(data, "arxiv-kaggle-csv", "*.csv"))):
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                # Ids went through a float: "704.001" is 0704.0010.
                head, _, tail = row["id"].partition(".")
                row["id"] = "%04d.%s" % (int(head), tail.ljust(4, "0"))
                if pool.wants(row["id"]):
                    row["authors_parsed"] = ast.literal_eval(row["authors_parsed"])
                    _add_kaggle(row, pool)


def _add_kaggle(rec, pool):
    authors = [n for n in (_parsed_name(*p[:3]) for p in rec["authors_parsed"]) if n]
    d = pool.add(rec["id"], rec["title"], rec["abstract"], authors, rec["categories"].split(), True)
    if d:
        d.comments, d.journal_ref = _or_none(rec["comments"]), _or_none(rec["journal-ref"])
        d.doi, d.report_no, d.license = _or_none(rec["doi"]), _or_none(rec["report-no"]), _or_none(rec["license"])


def _load_oai_dc(data, pool):
    for path in sorted(glob.glob(os.path.join(data, "arxiv-oai-dc-jsonl", "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                arxiv_id, fields = json.loads(line)
                if not pool.wants(arxiv_id):
                    continue
                categories = []
                for s in fields.get("subject", []):
                    code = SUBJECTS.get(s)  # MSC and ACM classes map to nothing
                    if code and code not in categories:
                        categories.append(code)
                abstract, comments = "", None
                for s in fields.get("description", []):
                    s = s.strip()
                    if s.startswith("Comment:"):
                        comments = comments or _or_none(s[8:])
                    elif not abstract:
                        abstract = s
                authors = [n for n in (_parsed_name(*c.split(",", 2)) for c in fields.get("creator", [])) if n]
                d = pool.add(arxiv_id, (fields.get("title") or [""])[0], abstract, authors, categories, True)
                if not d:
                    continue
                d.comments, d.journal_ref, d.doi = comments, None, None
                for ident in fields.get("identifier", [])[1:]:  # abs URL, then journal-ref and doi:
                    if ident.startswith("doi:"):
                        d.doi = ident[4:].strip()
                    elif not ident.startswith("http") and d.journal_ref is None:
                        d.journal_ref = _or_none(ident)


def _load_arxiv_raw(data, pool):
    def tag(rec, name):
        m = re.search(r"<%s>(.*?)</%s>" % (name, name), rec, re.S)
        return _or_none(m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")) if m else None

    for path in sorted(glob.glob(os.path.join(data, "arxiv-oai-pmh-xml", "*arXivRaw*.xml"))):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        # Only the page sampled from all of arXiv counts for the category
        # distribution; the other one is the cs set alone.
        unbiased = "set-" not in os.path.basename(path)
        for rec in re.findall(r"<arXivRaw.*?</arXivRaw>", text, re.S):
            arxiv_id = tag(rec, "id")
            if not arxiv_id or not pool.wants(arxiv_id):
                continue
            raw = _HTML_TAG.sub("", re.sub(r"\([^)]*\)", "", tag(rec, "authors") or ""))
            authors = _names(re.split(r",\s*|\s+and\s+", raw))
            d = pool.add(arxiv_id, tag(rec, "title"), tag(rec, "abstract"), authors,
                         (tag(rec, "categories") or "").split(), unbiased)
            if d:
                d.comments, d.journal_ref, d.doi = tag(rec, "comments"), tag(rec, "journal-ref"), tag(rec, "doi")
                d.report_no, d.license = tag(rec, "report-no"), tag(rec, "license")


def _load_daily_listing(data, pool):
    head = re.compile(r'\{"id": "([^"]+)"')  # to skip the many repeats unparsed
    for path in sorted(glob.glob(os.path.join(data, "arxiv-daily-listing-jsonl", "**", "*.jsonl"), recursive=True)):
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = head.match(line)
                if (m and not pool.wants(m.group(1))) or not line.strip():
                    continue
                rec = json.loads(line)
                if pool.wants(rec["id"]):
                    d = pool.add(rec["id"], rec["title"], rec.get("summary"), _names(rec.get("authors") or []),
                                 list(rec.get("categories") or []))
                    if d:
                        d.comments = _or_none(rec.get("comment"))


def _read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _load_hf(data, pool):
    folder = os.path.join(data, "hf-daily-papers-json")
    for path in sorted(glob.glob(os.path.join(folder, "daily", "*.json")) +
                       glob.glob(os.path.join(folder, "daily-history", "*.json"))):
        for item in _read_json(path):
            paper = item.get("paper") if isinstance(item, dict) else None  # some items are repr strings
            if isinstance(paper, dict) and paper.get("id") and pool.wants(paper["id"]):
                names = [a.get("name", "") for a in paper.get("authors", []) if isinstance(a, dict)]
                pool.add(paper["id"], paper.get("title"), paper.get("summary"), _names(names))
    for path in sorted(glob.glob(os.path.join(folder, "scraped", "*.json"))):
        for arxiv_id, paper in sorted(_read_json(path).items()):
            if isinstance(paper, dict) and pool.wants(arxiv_id):
                pool.add(arxiv_id, paper.get("title"), paper.get("abstract"), _names(paper.get("authors") or []))


def load_pool(shared=DEFAULT_SHARED):
    """The real papers of SHARED/data as Docs, one per arXiv id, in a fixed
    order: those with a title, an abstract and an id of a known year."""
    data = os.path.join(shared, "data")
    pool = _Pool()
    for loader in (_load_kaggle_jsonl, _load_kaggle_csv, _load_oai_dc, _load_arxiv_raw, _load_daily_listing,
                   _load_hf):
        loader(data, pool)
    if len(pool.docs) < 1000:
        raise SystemExit("gen_corpus: only %d real records under %s" % (len(pool.docs), data))
    return pool.docs



def split_sentences(text):
    """Sentences of a whitespace-collapsed abstract: cut after [.!?] and a
    space before a capital, a digit or TeX, but not after an abbreviation
    ("et al.", "i.i.d.") or an initial, nor inside $...$ or parentheses."""
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        end = m.start() + 1
        word = text[text.rfind(" ", start, end) + 1:end - 1].lstrip("(")
        if (word in _ABBREVIATIONS or "." in word or (len(word) == 1 and word.isupper())
                or text.count("$", start, end) % 2 or text.count("(", start, end) > text.count(")", start, end)):
            continue
        out.append(text[start:end])
        start = m.end()
    if start < len(text):
        out.append(text[start:])
    if out and out[-1][-1] not in ".!?":  # an abstract's last sentence may lack its stop
        out[-1] += "."
    return out


# Papers from Hugging Face's daily lists carry no categories; keywords put
# each into the cs category its words suggest (only as sentence material).
_HF_TOPICS = ("cs.CV", "cs.CL", "cs.RO")
_HF_WORDS = re.compile(
    r"\b(?:(image|images|video|videos|visual|vision|3D|pixels?|segmentation|scenes?|camera|rendering|point clouds?|"
    r"detection|diffusion)|(language|languages|text|LLMs?|tokens?|translation|linguistic|questions?|dialogue|speech|"
    r"corpus|NLP|multilingual)|(robots?|robotic|manipulation|embodied|navigation|grasping))\b")


def _guess_category(d):
    hits = [0, 0, 0]
    for groups in _HF_WORDS.findall(d.title + " " + d.abstract):
        hits[0 if groups[0] else 1 if groups[1] else 2] += 1
    best = max(range(3), key=lambda i: (hits[i], -i))
    return _HF_TOPICS[best] if hits[best] > 2 else "cs.LG"


def _title_case(title):
    """Whether most longer words of `title` are capitalised."""
    words = [w for w in title.split() if len(w) > 3 and w[0].isalpha()]
    return sum(w[0].isupper() for w in words) * 2 > len(words)


def _community(category):
    """Whose authors write papers of a category: those of its archive."""
    return category.split(".")[0]


def _group(category):
    archive = category.split(".")[0]
    if archive in ("cs", "math", "stat", "q-bio", "q-fin", "eess", "econ"):
        return archive
    return "physics"


def _nearest_years(by_year, minimum=300):
    """For each year 2007..2026: the values of the nearest years in by_year
    (nearest first, earlier first on ties) until there are `minimum`."""
    years = sorted(by_year)
    out = {}
    for y in range(FIRST_MONTH[0], LAST_MONTH[0] + 1):
        values = []
        for near in sorted(years, key=lambda v: (abs(v - y), v)):
            values += by_year[near]
            if len(values) >= minimum:
                break
        out[y] = values
    return out


class _Vocab:
    """Words of one category, grouped by their last two letters (and, for
    titles, by capitalisation) and ranked by frequency inside each group;
    word -> (its group's list, its rank) for swaps between neighbours."""

    def __init__(self, counts, title_case=False):
        groups = {}
        ranked = sorted(counts)
        ranked.sort(key=counts.__getitem__, reverse=True)  # stable: ties stay alphabetical
        for word in ranked:
            if word.lower() not in STOPWORDS:
                groups.setdefault((title_case and word[0].isupper(), word[-2:]), []).append(word)
        self.index = {}
        for words in groups.values():
            self.index.update(zip(words, zip(itertools.repeat(words), itertools.count())))


class Model:
    """Everything generation draws from, built once from the pool (then
    shared with the worker processes by fork)."""

    def __init__(self, pool):
        rng = random.Random("gen_corpus:model")  # the model does not depend on the seed
        self._categorise(pool)
        self._build_text(pool)
        self._build_people(pool, rng)
        self._build_meta(pool)
        self._build_days()

    # Categories: per-year primary distributions and real cross-lists.
    def _categorise(self, pool):
        self.doc_category = []  # primary (real or guessed) per pool doc
        cross = collections.defaultdict(list)
        early, mid, late = collections.Counter(), collections.Counter(), collections.Counter()
        for d in pool:
            primary = d.categories[0] if d.categories else _guess_category(d)
            self.doc_category.append(primary)
            if not d.categories:
                continue
            cross[primary].append(" ".join(d.categories))
            if d.unbiased:
                (early if d.year <= 2010 else mid)[primary] += 1
            elif d.year >= 2020:
                late[primary] += 1
        self.cross = dict(cross)
        self.categories = sorted(self.cross)
        # The unbiased samples are 2007-08 and 2015-16; the recent one (the
        # cs.CV/CL/AI and math daily lists) stands for the AI growth since.
        self.primary_by_year = {}
        for y in range(FIRST_MONTH[0], LAST_MONTH[0] + 1):
            if y <= 2008:
                mix = [(early, 1.0)]
            elif y < 2016:
                t = (y - 2008) / 8
                mix = [(early, 1 - t), (mid, t)]
            else:
                t = 0.45 * min(1.0, (y - 2016) / 9)
                mix = [(mid, 1 - t), (late, t)]
            weights = [sum(w * counter[c] / max(1, sum(counter.values())) for counter, w in mix)
                       for c in self.categories]
            cum, total = [], 0.0
            for w in weights:
                total += w
                cum.append(total)
            self.primary_by_year[y] = (cum, total)

    # Sentences, titles and vocabularies per category.
    def _build_text(self, pool):
        by_cat = collections.defaultdict(list)
        for i, c in enumerate(self.doc_category):
            by_cat[c].append(i)
        cats = sorted(by_cat)
        self.sentences, self.sentence_vocab, self.vocabs = [], [], []
        first, rest, lengths, titles, tails, authors_n = ({c: [] for c in cats} for _ in range(6))
        for k, c in enumerate(cats):
            for i in by_cat[c]:
                d = pool[i]
                sents = split_sentences(d.abstract)
                start = len(self.sentences)
                self.sentences += sents
                self.sentence_vocab += [k] * len(sents)
                first[c].append(start)
                rest[c].extend(range(start + 1, start + len(sents)))
                lengths[c].append(len(sents))
                parts = tuple(_CONNECTIVE.split(d.title))  # head, connective, tail, ...
                style = _title_case(d.title)
                titles[c].append((parts, style))
                tails[c] += [(style, t) for t in parts[2::2]]
                if d.authors:
                    authors_n[c].append(len(d.authors))
            text = " ".join(pool[i].abstract for i in by_cat[c])
            self.vocabs.append(_Vocab(collections.Counter(_WORD.findall(" %s " % text))).index)

        def widen(table, minimum):
            """Per category its own list or, when that is shorter than
            `minimum`, its archive's, its group's or everybody's."""
            scopes, out = {}, {}

            def scope(key, members):
                if key not in scopes:
                    scopes[key] = [x for o in cats if members(o) for x in table[o]]
                return scopes[key]

            for c in self.categories:
                items = table[c]
                if len(items) < minimum:
                    items = scope(c.split(".")[0], lambda o: o.split(".")[0] == c.split(".")[0])
                if len(items) < minimum:
                    items = scope(_group(c), lambda o: _group(o) == _group(c))
                if len(items) < minimum:
                    items = scope("", lambda o: True)
                out[c] = items
            return out

        self.first, self.rest, self.lengths = widen(first, 40), widen(rest, 200), widen(lengths, 40)
        self.titles, self.author_counts = widen(titles, 40), widen(authors_n, 40)
        # Title words come from the (widened) titles of the category itself:
        # small categories need the bigger vocabulary to vary their titles.
        by_list, self.title_vocab = {}, {}
        for c, items in self.titles.items():
            if id(items) not in by_list:
                text = " ".join("".join(parts) for parts, _ in items)
                by_list[id(items)] = _Vocab(collections.Counter(_TITLE_WORD.findall(" %s " % text)), True).index
            self.title_vocab[c] = by_list[id(items)]
        # Tails of Title Case titles and of sentence-case ones kept apart.
        self.tails = {}
        for style in (False, True):
            for c, items in widen({c: [t for s, t in v if s == style] for c, v in tails.items()}, 40).items():
                self.tails[c, style] = items or ["applications"]

    # People of each community (archive): the real ones ranked by their
    # papers in it, then people combined from real first and last names.
    def _build_people(self, pool, rng):
        counts = collections.defaultdict(collections.Counter)
        for d, c in zip(pool, self.doc_category):
            counts[_community(c)].update(d.authors)
        formatted, self.people = {}, {}
        for g in sorted(counts):
            names = sorted(counts[g])
            rng.shuffle(names)
            names.sort(key=counts[g].__getitem__, reverse=True)  # stable: ties stay shuffled
            self.people[g] = [formatted.get(n) or formatted.setdefault(n, self._person(*n)) for n in names]
        for c in self.categories:
            self.people.setdefault(_community(c), [])
        self.communities = {g: i for i, g in enumerate(sorted(self.people))}
        self.first_names = sorted({n[1] for n in formatted if n[1]})
        self.last_names = sorted({n[0] for n in formatted})
        rng.shuffle(self.first_names)
        rng.shuffle(self.last_names)
        self.person_count = len(formatted)

    @staticmethod
    def _person(last, first, suffix):
        display = " ".join(p for p in (first, last, suffix) if p)
        return display, "[%s,%s,%s]" % (_esc(last), _esc(first), _esc(suffix))

    def person(self, community, k):
        """(name, authors_parsed entry) of the k-th person of a community."""
        people = self.people[community]
        if k < len(people):
            return people[k]
        # Interleaved over communities, so that no two get the same names.
        k = (k - len(people)) * len(self.communities) + self.communities[community]
        nf = len(self.first_names)
        return self._person(self.last_names[(k // nf) % len(self.last_names)], self.first_names[k % nf], "")

    # Comments, journal-ref + doi, report-no, license: drawn from the papers
    # of the nearest years; comments and journals also of the same group
    # (physics, math, cs, ...) unless the group has few.
    def _build_meta(self, pool):
        fields = {name: collections.defaultdict(lambda: collections.defaultdict(list))
                  for name in ("comments", "pub", "report_no", "license")}
        for d, c in zip(pool, self.doc_category):
            values = {}
            if d.comments is not UNKNOWN:
                values["comments"] = d.comments
            if d.journal_ref is not UNKNOWN and d.doi is not UNKNOWN:
                doi = None
                if d.doi:  # its last digits are redrawn for every use
                    m = _LAST_DIGITS.search(d.doi)
                    doi = (d.doi[:m.start()], len(m.group(1)), m.group(2)) if m else (d.doi, 0, "")
                values["pub"] = (d.journal_ref, doi)
            if d.report_no is not UNKNOWN:
                values["report_no"] = d.report_no
            if d.license is not UNKNOWN:
                values["license"] = d.license
            for name, value in values.items():
                fields[name][_group(c)][d.year].append(value)
                fields[name][""][d.year].append(value)
        self.meta = {}
        for name, by_group in fields.items():
            everyone = _nearest_years(by_group[""])
            for g in {_group(c) for c in self.categories}:
                years = by_group.get(g, {})
                enough = name in ("comments", "pub") and sum(map(len, years.values())) >= 300
                self.meta[name, g] = _nearest_years(years) if enough else everyone

    # Dates: the weekdays of each month (as date ordinals) for v1 dates,
    # and every day's text in versions and update_date.
    def _build_days(self):
        self.month_days = []
        for y, m in MONTHS:
            day = datetime.date(y, m, 1)
            days = []
            while day.month == m:
                if day.weekday() < 5:
                    days.append(day.toordinal())
                day += datetime.timedelta(days=1)
            self.month_days.append(days)
        self.day_text = {}
        day = datetime.date(FIRST_MONTH[0], FIRST_MONTH[1], 1)
        while day <= LAST_DAY:
            self.day_text[day.toordinal()] = ("%s, %d %s %d" % (_WEEKDAYS[day.weekday()], day.day,
                                                                _MONTHS[day.month - 1], day.year), day.isoformat())
            day += datetime.timedelta(days=1)

# ---------------------------------------------------------------- generation


def _months():
    out, (y, m) = [], FIRST_MONTH
    while (y, m) <= LAST_MONTH:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


MONTHS = _months()  # (year, month) of the id space, 0704 .. 2611
# A month's share grows like arXiv's submissions: ~4.5k papers a month in
# 2007 to ~24k in 2024, exponentially.
MONTH_WEIGHT = [(24000 / 4500) ** (i / (12 * (2024 - 2007) - 3)) for i in range(len(MONTHS))]
MONTH_CAPACITY = [9999 if y < 2015 else 99999 for y, _ in MONTHS]  # YYMM.NNNN, from 1501 YYMM.NNNNN


def plan(n):
    """(month index, count, span) for each month of the id space: the counts
    follow the growth curve and add up to n; the month's numbers run from 1
    to span: its size at full scale (2.7M), or count if that is more."""
    total_w = sum(MONTH_WEIGHT)
    full = [min(cap, int(FULL_SCALE * w / total_w)) for w, cap in zip(MONTH_WEIGHT, MONTH_CAPACITY)]
    counts = [0] * len(MONTHS)
    left, open_months = n, list(range(len(MONTHS)))
    while left > 0 and open_months:  # months at capacity pass their share on
        w = sum(MONTH_WEIGHT[i] for i in open_months)
        shares = [(i, left * MONTH_WEIGHT[i] / w) for i in open_months]
        add = {i: int(s) for i, s in shares}
        # Largest remainders (ties by month) take the rounding leftovers.
        for i, _ in sorted(shares, key=lambda x: (int(x[1]) - x[1], x[0]))[:left - sum(add.values())]:
            add[i] += 1
        for i in open_months:
            take = min(add[i], MONTH_CAPACITY[i] - counts[i])
            counts[i] += take
            left -= take
        open_months = [i for i in open_months if counts[i] < MONTH_CAPACITY[i]]
    if left:
        raise SystemExit("gen_corpus: %d records do not fit into the id space" % n)
    return [(i, counts[i], max(counts[i], full[i])) for i in range(len(MONTHS))]


SWAP_RATE = 0.15  # share of content words swapped in an abstract
TITLE_SWAP_RATE = 0.3
# Share of abstracts that get one word never seen before. The pool's
# vocabulary is finite, while a real corpus keeps adding rare terms (names,
# formulas, misspellings) as it grows; ~0.4 new terms per paper gives the
# pool's own count of distinct terms at its size and ~1M at 2.7M records.
NOVEL_RATE = 0.4
# Hours (UTC) of submissions, weighted: European and American working hours.
HOURS = [h for h, w in enumerate((3, 2, 2, 2, 2, 3, 4, 6, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 18, 15, 10, 6, 4))
         for _ in range(w)]
# Version gaps in days, v1->v2 and later ones (means of exponential laws).
V2_GAP, LATER_GAP = 70.0, 150.0


class Generator:
    """Makes the records of an N-record corpus, chunk by chunk: chunk i
    depends on the model, N, the seed and i only."""

    def __init__(self, model, size, seed):
        self.model, self.size, self.seed = model, size, seed
        self.plan = [p for p in plan(size) if p[1]]
        self.starts = [0]  # index of each planned month's first record
        for _, count, _ in self.plan:
            self.starts.append(self.starts[-1] + count)
        self.starts.append(float("inf"))
        # Who writes a paper of a community expecting n papers: its person
        # k with probability ~ 1/(k + b), k < n (Zipf's law for authors'
        # output, which is Lotka's); b = 1.2 sqrt(n) puts the most prolific
        # person of a 1k-paper community in ~35 papers, of 100k in ~200, of
        # 1M in ~550; about 0.8 distinct people per paper.
        expected = collections.Counter()
        for month, count, _ in self.plan:
            cum, total = model.primary_by_year[MONTHS[month][0]]
            for c, before, upto in zip(model.categories, [0.0] + cum, cum):
                expected[_community(c)] += count * (upto - before) / total
        self.author_law = {}
        for g in model.communities:
            n = max(2.0, expected[g])
            b = 1.2 * math.sqrt(n)
            self.author_law[g] = (b, (n + b) / b, int(n))

    def _swap_title(self, rng, title, vocab):
        """Swaps each content word of a title with a chance of
        TITLE_SWAP_RATE, and one at least: titles must come out (nearly) all
        distinct, also at 2.7M records made from ~47k real ones."""
        words = title.split(" ")
        slots = [i for i, w in enumerate(words) if w in vocab]
        rnd = rng.random
        for i in [i for i in slots if rnd() < TITLE_SWAP_RATE] or slots[int(rnd() * len(slots)):][:1]:
            group, rank = vocab[words[i]]
            if len(group) > 1:
                j = rank + 1 + int(rnd() * (6 + (rank >> 2)))  # a neighbour, never the word itself
                words[i] = group[(j if rnd() < 0.5 else 2 * rank - j) % len(group)]
        return " ".join(words)

    def _abstract(self, rng, c):
        """As many sentences of category c as a real abstract of c has (the
        first from first sentences); about SWAP_RATE of their content words
        (lower case, 4+ letters, no stopword) swapped for a frequency
        neighbour with the same ending from the sentence's own category."""
        m = self.model
        rnd = rng.random
        lengths, first, rest = m.lengths[c], m.first[c], m.rest[c]
        sentences, vocab_of, vocabs = m.sentences, m.sentence_vocab, m.vocabs
        out, novel = [], rnd() < NOVEL_RATE
        for k in range(lengths[int(rnd() * len(lengths))]):
            s = rest[int(rnd() * len(rest))] if k else first[int(rnd() * len(first))]
            vocab = vocabs[vocab_of[s]]
            words = sentences[s].split(" ")
            n = len(words)
            # Draws at random positions: SWAP_RATE of all words hits that
            # share of the content words (misses cost one lookup).
            for _ in range(int(n * SWAP_RATE + rnd())):
                i = int(rnd() * n)
                hit = vocab.get(words[i])
                if hit:
                    group, rank = hit
                    if novel:  # a new word: the head of this one, the tail of another
                        w, other = words[i], group[int(rnd() * len(group))]
                        words[i] = w[:max(3, len(w) // 2)] + other[len(other) // 2:]
                        novel = False
                        continue
                    j = rank + int((2 * rnd() - 1) * (2 + (rank >> 3)))
                    words[i] = group[j if 0 <= j < len(group) else rank]
            out.append(" ".join(words))
        return " ".join(out)

    def _title(self, rng, c):
        """A real title of category c, each tail after a connective replaced
        (60 %) by a tail of another title of c written in the same style
        (Title Case or not); a title without any sometimes gets one."""
        m = self.model
        rnd = rng.random
        titles = m.titles[c]
        parts, style = titles[int(rnd() * len(titles))]
        parts, tails = list(parts), m.tails[c, style]
        for i in range(2, len(parts), 2):
            if rnd() < 0.6:
                parts[i] = tails[int(rnd() * len(tails))]
        if len(parts) == 1 and rnd() < 0.3:
            parts += [" for " if rnd() < 0.5 else " in ", tails[int(rnd() * len(tails))]]
        title = self._swap_title(rng, "".join(parts), m.title_vocab[c])
        if len(title) > 70:  # Kaggle's dump wraps titles as arXiv's listings do
            cut = title.rfind(" ", 20, 70)
            if cut > 0:
                title = title[:cut] + "\n  " + title[cut + 1:]
        return title

    def _authors(self, rng, c):
        """(name, authors_parsed entry) of as many distinct people of c's
        community as a real paper of c has authors."""
        m = self.model
        rnd = rng.random
        community = _community(c)
        b, ratio, population = self.author_law[community]
        counts = m.author_counts[c]
        n = min(counts[int(rnd() * len(counts))], population // 2 + 1)
        taken, out = set(), []
        while len(out) < n:
            k = int(b * ratio ** rnd() - b)  # inverse of the CDF of ~1/(k + b)
            if k not in taken:
                taken.add(k)
                out.append(m.person(community, k))
        return out

    def _versions(self, rng, month, j, count):
        """The versions (JSON) and update_date of record j of the `count`
        in `month`."""
        m = self.model
        rnd = rng.random
        days = m.month_days[month]
        # Numbers grow with submission time inside the month.
        day = days[min(len(days) - 1, int((j + rnd()) / count * len(days)))]
        stamps = [day * 86400 + HOURS[int(rnd() * len(HOURS))] * 3600 + int(rnd() * 3600)]
        last = LAST_DAY.toordinal() * 86400 + 86399
        u = rnd()
        extra = 0 if u >= 0.35 else 1 if u >= 0.10 else 2 if u >= 0.03 else 3 if u >= 0.01 else 4
        for v in range(extra):
            gap = rng.expovariate(1.0 / (V2_GAP if v == 0 else LATER_GAP))
            t = stamps[-1] + int(gap * 86400) + int(rnd() * 86400)
            weekday = (t // 86400 + 6) % 7  # date ordinal 1 was a Monday
            if weekday >= 5:
                t += (7 - weekday) * 86400
            if t > last:  # not revised yet
                break
            stamps.append(t)
        out = []
        for v, t in enumerate(stamps, 1):
            s = t % 86400
            out.append('{"version":"v%d","created":"%s %02d:%02d:%02d GMT"}' % (
                v, m.day_text[t // 86400][0], s // 3600, s // 60 % 60, s % 60))
        return ",".join(out), m.day_text[stamps[-1] // 86400][1]

    def _meta(self, rng, c, year):
        """comments, journal-ref, doi, report-no and license of a paper of
        category c from `year`."""
        rnd = rng.random
        meta, group = self.model.meta, _group(c)

        def draw(name):
            values = meta[name, group][year]
            return values[int(rnd() * len(values))] if values else None

        comments = draw("comments")
        journal_ref, doi = draw("pub") or (None, None)
        if doi:
            head, digits, tail = doi
            doi = head + "".join(str(int(rnd() * 10)) for _ in range(digits)) + tail
        return comments, journal_ref, doi, draw("report_no"), draw("license")

    def chunk(self, index):
        """Records [index*CHUNK, (index+1)*CHUNK): (JSON line, title key,
        primary category, title) each."""
        m = self.model
        rng = random.Random("gen_corpus:%d:chunk:%d" % (self.seed, index))
        rnd = rng.random
        begin, end = index * CHUNK, min(self.size, (index + 1) * CHUNK)
        starts = self.starts
        p = bisect.bisect_right(starts, begin) - 1
        lines = []
        for g in range(begin, end):
            while starts[p + 1] <= g:
                p += 1
            month, count, span = self.plan[p]
            j = g - starts[p]
            y, mo = MONTHS[month]
            number = 1 + j * span // count
            arxiv_id = ("%02d%02d.%04d" if y < 2015 else "%02d%02d.%05d") % (y % 100, mo, number)
            cum, total = m.primary_by_year[y]
            primary = m.categories[min(len(cum) - 1, bisect.bisect_right(cum, rnd() * total))]
            crosses = m.cross[primary]
            categories = crosses[int(rnd() * len(crosses))]
            authors = self._authors(rng, primary)
            submitter = authors[0 if rnd() < 0.6 else int(rnd() * len(authors))][0]
            names = ", ".join([a[0] for a in authors])
            if len(authors) > 1 and rnd() < 0.7:  # "A, B and C" or "A, B, C", as submitters write them
                names = names[:-len(authors[-1][0]) - 2] + " and " + authors[-1][0]
            versions, update = self._versions(rng, month, j, count)
            comments, journal_ref, doi, report_no, lic = self._meta(rng, primary, y)
            title = self._title(rng, primary)
            # The abstract framed as in Kaggle's dump: two spaces, a newline.
            line = ('{"id":"%s","submitter":%s,"authors":%s,"title":%s,"comments":%s,"journal-ref":%s,'
                    '"doi":%s,"report-no":%s,"categories":%s,"license":%s,"abstract":%s,"versions":[%s],'
                    '"update_date":"%s","authors_parsed":[%s]}\n' % (
                        arxiv_id, _esc(submitter), _esc(names), _esc(title), _json(comments), _json(journal_ref),
                        _json(doi), _json(report_no), _esc(categories), _json(lic),
                        _esc("  " + self._abstract(rng, primary) + "\n"), versions, update,
                        ",".join([a[1] for a in authors])))
            lines.append((line, _title_key(title), primary, title))
        return lines

    def unique_titles(self, index, records, seen):
        """The JSON lines of chunk `index` as bytes, where a title already in
        `seen` (keys of all earlier titles) is replaced by a fresh one of
        the same category: titles end up distinct, as exact-title search
        wants, whatever the number of workers."""
        out = []
        for k, (line, key, primary, title) in enumerate(records):
            if key in seen:
                rng = random.Random("gen_corpus:%d:title:%d" % (self.seed, index * CHUNK + k))
                for _ in range(100):
                    fresh = self._title(rng, primary)
                    if _title_key(fresh) not in seen:
                        old = '"title":%s,"comments":' % _esc(title)  # once per line: quotes inside are escaped
                        line = line.replace(old, '"title":%s,"comments":' % _esc(fresh), 1)
                        key = _title_key(fresh)
                        break
            seen.add(key)
            out.append(line)
        return "".join(out).encode("ascii")


def _title_key(title):
    """Titles compare as search does: case and whitespace folded."""
    return hashlib.blake2b(" ".join(title.split()).lower().encode("utf-8"), digest_size=8).digest()


def _json(value):
    return "null" if value is None else _esc(value)


_GENERATOR = None  # the worker processes' generator (inherited by fork)


def _work(index):
    return _GENERATOR.chunk(index)


def generate(model, size, out, seed=1, jobs=None, progress=sys.stderr):
    """Writes `size` records made with `seed` to `out` (via out.tmp, renamed
    at the end); returns the bytes written."""
    global _GENERATOR
    gen = Generator(model, size, seed)
    chunks = (size + CHUNK - 1) // CHUNK
    if not jobs:
        # A forked worker ends up copying most of the model's ~0.5 GB (every
        # object it reads has its reference count written): seconds of page
        # faults that only a big run earns back.
        jobs = (os.cpu_count() or 1) if size >= 500_000 else 1
    jobs = max(1, min(jobs, chunks))
    tmp = out + ".tmp"
    written, done, step, t0, seen = 0, 0, 100_000, time.perf_counter(), set()
    _GENERATOR = gen
    # The model is read-only from here: frozen, the collector never walks
    # it (which would also copy its pages into every forked worker).
    gc.collect()
    gc.freeze()
    pool = multiprocessing.get_context("fork").Pool(jobs) if jobs > 1 else None
    try:
        results = pool.imap(_work, range(chunks)) if pool else map(_work, range(chunks))
        with open(tmp, "wb") as f:
            for index, records in enumerate(results):
                data = gen.unique_titles(index, records, seen)
                f.write(data)
                written += len(data)
                done = min(size, (index + 1) * CHUNK)
                if progress and (done // step > (done - CHUNK) // step or done == size):
                    print("gen_corpus: %d / %d records, %.1f s" % (done, size, time.perf_counter() - t0),
                          file=progress)
    finally:
        if pool:
            pool.close()
            pool.join()
        _GENERATOR = None
        gc.unfreeze()
    os.replace(tmp, out)
    return written


# ---------------------------------------------------------------- stats


def _percentiles(values):
    values = sorted(values)
    if not values:
        return "-"
    at = lambda q: values[min(len(values) - 1, int(q * len(values)))]
    return "%.1f  (p10 %d, p50 %d, p90 %d, max %d)" % (sum(values) / len(values), at(0.1), at(0.5), at(0.9),
                                                       values[-1])


def describe(records, sample):
    """Distribution figures of `records` (dicts with title, abstract,
    authors: list of names, categories: list, versions: count); distinct
    terms counted over an even sample of `sample` records."""
    out = collections.OrderedDict()
    n = len(records)
    out["records"] = str(n)
    out["abstract words"] = _percentiles([len(r["abstract"].split()) for r in records])
    out["title words"] = _percentiles([len(r["title"].split()) for r in records])
    out["authors per paper"] = _percentiles([len(r["authors"]) for r in records])
    per_author = collections.Counter(a for r in records for a in r["authors"])
    top = per_author.most_common(3)
    out["distinct authors / paper"] = "%.2f" % (len(per_author) / max(1, n))
    out["top authors (papers)"] = ", ".join("%s %d" % (a, k) for a, k in top)
    out["distinct titles"] = "%.2f %%" % (100.0 * len({" ".join(r["title"].split()).lower() for r in records}) / n)
    step = max(1, n // sample)
    terms = set()
    picked = records[::step][:sample]
    for r in picked:
        terms.update(re.findall(r"[a-z]+", r["abstract"].lower()))
    out["distinct terms @%d" % sample] = str(len(terms))
    primaries = collections.Counter(r["categories"][0] for r in records if r["categories"])
    out["primary categories"] = "%d; top: %s" % (len(primaries), ", ".join(
        "%s %.1f%%" % (c, 100.0 * k / n) for c, k in primaries.most_common(6)))
    out["categories per paper"] = _percentiles([len(r["categories"]) for r in records if r["categories"]])
    with_versions = [r["versions"] for r in records if r["versions"] is not None]
    if with_versions:
        out["with v2 / v3+"] = "%.1f %% / %.1f %%" % (
            100.0 * sum(v >= 2 for v in with_versions) / len(with_versions),
            100.0 * sum(v >= 3 for v in with_versions) / len(with_versions))
    for key in ("comments", "journal-ref", "doi"):
        known = [r[key] for r in records if r.get(key, UNKNOWN) is not UNKNOWN]
        if known:
            out["%s set" % key] = "%.1f %%" % (100.0 * sum(1 for v in known if v) / len(known))
    return out


def _pool_records(pool):
    return [{"title": d.title, "abstract": d.abstract, "authors": [" ".join(p for p in (a[1], a[0]) if p)
                                                                   for a in d.authors],
             "categories": d.categories or [], "versions": None, "comments": d.comments,
             "journal-ref": d.journal_ref, "doi": d.doi} for d in pool]


def _file_records(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            out.append({"title": r["title"], "abstract": r["abstract"],
                        "authors": [" ".join(p for p in (a[1], a[0]) if p) for a in r["authors_parsed"]],
                        "categories": r["categories"].split(), "versions": len(r["versions"]),
                        "comments": r["comments"], "journal-ref": r["journal-ref"], "doi": r["doi"]})
    return out


def print_stats(path, shared):
    pool = load_pool(shared)
    generated = _file_records(path)
    sample = min(len(pool), len(generated))
    real, made = describe(_pool_records(pool), sample), describe(generated, sample)
    keys = list(real) + [k for k in made if k not in real]
    width = max(map(len, keys))
    print("%-*s  %s" % (width, "", "real: the pool of %s/data" % shared))
    print("%-*s  %s" % (width, "", "made: " + path))
    for key in keys:
        print("%-*s  real  %s" % (width, key, real.get(key, "-")))
        print("%-*s  made  %s" % (width, "", made.get(key, "-")))


# ---------------------------------------------------------------- main


def parse_size(text):
    """'300000', '100k', '2.7M' -> int."""
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([kKmM]?)\s*", text)
    if not m:
        raise argparse.ArgumentTypeError("not a size: %r" % text)
    n = float(m.group(1)) * {"": 1, "k": 1e3, "m": 1e6}[m.group(2).lower()]
    if n < 1 or n != int(n):
        raise argparse.ArgumentTypeError("not a whole number of records: %r" % text)
    return int(n)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=parse_size, help="records: 300000, 100k, 2.7M")
    ap.add_argument("--out", help="output file (JSON Lines)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shared", default=DEFAULT_SHARED, help="folder holding data/ (default: %(default)s)")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per CPU from 500k records)")
    ap.add_argument("--stats", metavar="FILE", help="print FILE's distributions next to the real pool's")
    args = ap.parse_args(argv)
    if args.stats:
        print_stats(args.stats, args.shared)
        return 0
    if not args.size or not args.out:
        ap.error("--size and --out are required (or --stats FILE)")
    t0 = time.perf_counter()
    model = Model(load_pool(args.shared))
    t1 = time.perf_counter()
    print("gen_corpus: pool of %d real papers, %d sentences, %d people loaded in %.1f s" % (
        len(model.doc_category), len(model.sentences), model.person_count, t1 - t0), file=sys.stderr)
    written = generate(model, args.size, args.out, args.seed, args.jobs)
    t2 = time.perf_counter()
    print("gen_corpus: %d records, %d bytes in %.1f s (%.0f records/s after loading) -> %s" % (
        args.size, written, t2 - t0, args.size / max(1e-9, t2 - t1), args.out), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
