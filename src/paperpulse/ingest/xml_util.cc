#include "paperpulse/ingest/xml_util.h"

#include <algorithm>

#include "paperpulse/base/strings.h"
#include "paperpulse/ingest/source.h"

namespace paperpulse::ingest::xml {

std::string StrCat(std::initializer_list<std::string_view> parts) {
  size_t n = 0;
  for (std::string_view p : parts) n += p.size();
  std::string out;
  out.reserve(n);
  for (std::string_view p : parts) out.append(p);
  return out;
}

bool StartsLikeXml(std::string_view head) {
  if (StartsWith(head, "\xEF\xBB\xBF")) head.remove_prefix(3);
  head = TrimView(head);
  return !head.empty() && head.front() == '<';
}

Document::Document(std::string_view text) : text_(text) {
  // parse_default decodes entities and keeps CDATA; parse_ws_pcdata keeps
  // the blanks between inline elements ("A <b>b</b> <i>c</i>"). Encoding is
  // fixed to UTF-8 so that node offsets index `text` unchanged.
  result_ = doc_.load_buffer(text.data(), text.size(), pugi::parse_default | pugi::parse_ws_pcdata,
                             pugi::encoding_utf8);
}

std::string Document::ErrorText() const {
  if (ok()) return "";
  return StrCat(
      {"malformed XML at byte ", std::to_string(result_.offset), ": ", result_.description()});
}

bool Document::CompleteBeforeError(pugi::xml_node node) const {
  if (ok()) return true;
  ptrdiff_t start = node.offset_debug();
  if (start < 0) return false;
  // The records we check never nest in themselves, so the first end tag with
  // their name after their start is theirs.
  std::string_view name = node.name();
  size_t pos = static_cast<size_t>(start);
  while (true) {
    pos = text_.find("</", pos);
    if (pos == std::string_view::npos) return false;
    std::string_view rest = text_.substr(pos + 2);
    if (StartsWith(rest, name)) {
      size_t after = pos + 2 + name.size();
      size_t close = after;
      while (close < text_.size() && (text_[close] == ' ' || text_[close] == '\t' ||
                                      text_[close] == '\r' || text_[close] == '\n')) {
        ++close;
      }
      if (close < text_.size() && text_[close] == '>') {
        // At the end of a cut input pugixml may report the error on the last
        // byte read, which can be this very '>'.
        return static_cast<int64_t>(close) <= error_offset();
      }
    }
    pos += 2;
  }
}

int64_t Document::LineOf(int64_t offset) {
  offset = std::clamp<int64_t>(offset, 0, static_cast<int64_t>(text_.size()));
  if (offset < line_pos_) {
    line_pos_ = 0;
    line_ = 1;
  }
  line_ += std::count(text_.begin() + line_pos_, text_.begin() + offset, '\n');
  line_pos_ = offset;
  return line_;
}

SourcePos Document::PosOf(const std::string& file, pugi::xml_node node, int64_t index) {
  SourcePos pos;
  pos.file = file;
  pos.index = index;
  // offset_debug() points at the element name; the tag starts one byte earlier.
  ptrdiff_t at = node.offset_debug();
  if (at > 0) {
    pos.offset = at - 1;
    pos.line = LineOf(pos.offset);
  }
  return pos;
}

std::string_view LocalName(pugi::xml_node node) {
  std::string_view name = node.name();
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node Child(pugi::xml_node parent, std::string_view local) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && LocalName(c) == local) return c;
  }
  return {};
}

std::string Text(pugi::xml_node node) {
  // Iterative rather than recursive: hostile input may nest elements deeply.
  std::string out;
  for (pugi::xml_node cur = node.first_child(); cur;) {
    if (cur.type() == pugi::node_pcdata || cur.type() == pugi::node_cdata) out.append(cur.value());
    if (cur.type() == pugi::node_element && cur.first_child()) {
      cur = cur.first_child();
      continue;
    }
    while (!cur.next_sibling()) {
      cur = cur.parent();
      if (cur == node) return out;
    }
    cur = cur.next_sibling();
  }
  return out;
}

std::string TrimmedText(pugi::xml_node node) { return std::string(TrimView(Text(node))); }

std::string CollapsedText(pugi::xml_node node) { return CollapseWhitespace(Text(node)); }

std::string_view InvalidUtf8Field(const Paper& paper) {
  struct Field {
    std::string_view name;
    const std::string& value;
  };
  const Field fields[] = {
      {"id", paper.id},
      {"title", paper.title},
      {"abstract", paper.abstract},
      {"comments", paper.comments},
      {"journal_ref", paper.journal_ref},
      {"doi", paper.doi},
      {"license", paper.license},
      {"submitted", paper.submitted},
      {"updated", paper.updated},
  };
  for (const Field& f : fields) {
    if (!IsValidUtf8(f.value)) return f.name;
  }
  for (const std::string& a : paper.authors) {
    if (!IsValidUtf8(a)) return "authors";
  }
  for (const std::string& c : paper.categories) {
    if (!IsValidUtf8(c)) return "categories";
  }
  for (const PaperVersion& v : paper.versions) {
    if (!IsValidUtf8(v.size)) return "versions";
  }
  return "";
}

std::string Document::ReportParseError(const std::string& file, RecordSink& sink) {
  if (ok()) return "";
  SourcePos pos;
  pos.file = file;
  pos.offset = error_offset();
  pos.line = LineOf(pos.offset);
  std::string why = ErrorText();
  sink.OnReject(pos, why);
  return why;
}

Result<pugi::xml_node> ExpectRoot(const Document& doc, std::string_view local,
                                  std::string_view what, const std::string& file) {
  pugi::xml_node root = doc.root();
  if (root && LocalName(root) == local) return root;
  std::string why = doc.ok() ? StrCat({"not ", what}) : doc.ErrorText();
  return Fail(ErrorCode::kParse, StrCat({file, ": ", why}));
}

namespace {

class DocumentReader final : public Reader {
 public:
  DocumentReader(std::string_view name, bool (*sniff)(std::string_view), DocumentParser parse)
      : name_(name), sniff_(sniff), parse_(parse) {}
  std::string_view Name() const override { return name_; }
  bool Sniff(std::string_view head, std::string_view /*path*/) const override {
    return sniff_(head);
  }
  Status Read(ByteSource& source, RecordSink& sink) override {
    ASSIGN_OR_RETURN(std::string text, ReadAll(source, kMaxDocumentBytes));
    return parse_(text, source.name(), sink);
  }

 private:
  std::string name_;
  bool (*sniff_)(std::string_view);
  DocumentParser parse_;
};

}  // namespace

std::unique_ptr<Reader> MakeDocumentReader(std::string_view name,
                                           bool (*sniff)(std::string_view head),
                                           DocumentParser parse) {
  return std::make_unique<DocumentReader>(name, sniff, parse);
}

}  // namespace paperpulse::ingest::xml
