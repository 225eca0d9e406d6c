// Secrets handed to people (sign-in links, session cookies, API tokens,
// digest confirmation and unsubscribe links) and the hashes the Store keeps instead
// of them. The tokens carry 256 bits from the OS's CSPRNG (libsodium), so a
// plain SHA-256 is a sufficient at-rest hash: there is nothing to guess and
// no dictionary to slow down (unlike passwords, which paperpulse never has).
#pragma once

#include <string>
#include <string_view>

namespace paperpulse {

// A fresh random token: 32 bytes from libsodium, base64url without padding
// (43 characters, safe in URLs and cookies).
std::string RandomToken();

// SHA-256 of `token`, lower-case hex: what the Store keeps.
std::string HashToken(std::string_view token);

// True when `token` looks like one of ours (43 base64url characters): a
// cheap filter before any database lookup.
bool IsWellFormedToken(std::string_view token);

}  // namespace paperpulse
