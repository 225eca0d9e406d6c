#include "paperpulse/ingest/harvest/checkpoint.h"

#include <simdjson.h>

#include "paperpulse/base/strings.h"

namespace paperpulse::ingest::harvest {
namespace {

void AddString(std::string& out, std::string_view key, std::string_view value) {
  if (out.size() > 1) out.append(", ");
  out.append(JsonQuote(key));
  out.append(": ");
  out.append(JsonQuote(value));
}

void AddInt(std::string& out, std::string_view key, int64_t value) {
  if (out.size() > 1) out.append(", ");
  out.append(JsonQuote(key));
  out.append(": ");
  out.append(std::to_string(value));
}

void AddBool(std::string& out, std::string_view key, bool value) {
  if (out.size() > 1) out.append(", ");
  out.append(JsonQuote(key));
  out.append(value ? ": true" : ": false");
}

}  // namespace

std::string CheckpointToJson(const Checkpoint& c) {
  std::string out = "{";
  AddString(out, "endpoint", c.endpoint);
  AddString(out, "set", c.set);
  AddString(out, "format", c.format);
  AddString(out, "from", c.from);
  AddString(out, "until", c.until);
  AddString(out, "resumption_token", c.resumption_token);
  AddString(out, "last_datestamp", c.last_datestamp);
  AddInt(out, "pages", c.pages);
  AddInt(out, "records", c.records);
  AddInt(out, "complete_list_size", c.complete_list_size);
  AddInt(out, "cursor", c.cursor);
  AddInt(out, "restarts", c.restarts);
  AddBool(out, "complete", c.complete);
  AddString(out, "harvested_through", c.harvested_through);
  AddString(out, "started_at", c.started_at);
  AddString(out, "updated_at", c.updated_at);
  AddString(out, "finished_at", c.finished_at);
  out.push_back('}');
  return out;
}

Result<Checkpoint> ParseCheckpoint(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size(), true).get(root) != simdjson::SUCCESS ||
      !root.is_object()) {
    return Fail(ErrorCode::kParse, "harvest checkpoint is not a JSON object");
  }
  Checkpoint c;
  auto str = [&](const char* key, std::string& field) {
    std::string_view v;
    if (root[key].get(v) == simdjson::SUCCESS) field = std::string(v);
  };
  auto num = [&](const char* key, auto& field) {
    int64_t v = 0;
    if (root[key].get(v) == simdjson::SUCCESS)
      field = static_cast<std::decay_t<decltype(field)>>(v);
  };
  str("endpoint", c.endpoint);
  str("set", c.set);
  str("format", c.format);
  str("from", c.from);
  str("until", c.until);
  str("resumption_token", c.resumption_token);
  str("last_datestamp", c.last_datestamp);
  num("pages", c.pages);
  num("records", c.records);
  num("complete_list_size", c.complete_list_size);
  num("cursor", c.cursor);
  num("restarts", c.restarts);
  bool complete = false;
  if (root["complete"].get(complete) == simdjson::SUCCESS) c.complete = complete;
  str("harvested_through", c.harvested_through);
  str("started_at", c.started_at);
  str("updated_at", c.updated_at);
  str("finished_at", c.finished_at);
  return c;
}

Result<std::optional<Checkpoint>> LoadCheckpoint(storage::Store& store) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, store.GetMeta(kCheckpointKey));
  if (!value) return std::optional<Checkpoint>();
  Result<Checkpoint> c = ParseCheckpoint(*value);
  if (!c) {
    std::string message = "meta key ";
    message.append(kCheckpointKey);
    message.append(": ");
    message.append(c.error().message);
    return Fail(ErrorCode::kParse, std::move(message));
  }
  return std::optional<Checkpoint>(std::move(*c));
}

Status SaveCheckpoint(storage::Store& store, const Checkpoint& checkpoint) {
  return store.SetMeta(kCheckpointKey, CheckpointToJson(checkpoint));
}

}  // namespace paperpulse::ingest::harvest
