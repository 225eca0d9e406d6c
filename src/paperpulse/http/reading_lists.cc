#include "paperpulse/http/reading_lists.h"

namespace paperpulse::http {

std::string AddToListFormHtml(const Context&, const std::optional<auth::Principal>&,
                              std::string_view, std::string_view) {
  return "";  // STUB
}

}  // namespace paperpulse::http
