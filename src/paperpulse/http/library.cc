#include "paperpulse/http/library.h"

namespace paperpulse::http {

std::string SaveFormHtml(const Context&, const std::optional<auth::Principal>&, std::string_view,
                         std::string_view) {
  return "";  // STUB
}

}  // namespace paperpulse::http
