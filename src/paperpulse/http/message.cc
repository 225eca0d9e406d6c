#include "paperpulse/http/message.h"

namespace paperpulse::http {

Response MakeResponse(int status, std::string content_type, std::string body) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = Body(std::move(body));
  return r;
}

}  // namespace paperpulse::http
