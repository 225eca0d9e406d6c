// Comments are written in CommonMark with TeX math, and shown as HTML that
// is safe to put into a page as it is. Rendering uses libcmark (the
// CommonMark reference implementation, Debian's libcmark) in its safe mode
// and then makes the document tree stricter still, so that a comment can
// neither run script, nor load anything from elsewhere, nor lend this site's
// reputation to spam.
#pragma once

#include <string>
#include <string_view>

namespace paperpulse::http {

// `text` (the Markdown source of a comment) as an HTML fragment (block
// elements: paragraphs, lists, block quotes, code blocks, ...):
//
// - Raw HTML is not interpreted: it is shown as the text that was typed.
// - Links keep only http:, https: and mailto: destinations and relative
//   ones (after removing what browsers ignore in a URL: white space and
//   control characters, so "jav&#x09;ascript:" is caught); a link to
//   anything else becomes its text. Every link carries
//   rel="nofollow ugc noopener".
// - Images become links to the image (a comment never makes a reader's
//   browser fetch anything), with the alt text as the link text.
// - Headings are demoted by three levels (# is h4, ## h5, deeper ones h6):
//   a comment sits under the page's own h1..h3.
// - Line breaks in a paragraph are kept (<br />), as in a textarea.
// - Math: $…$ (inline) and $$…$$ (display, may span lines of a paragraph)
//   outside code are taken out before Markdown parsing, so that TeX keeps
//   its underscores, asterisks and backslashes, and put back as escaped text
//   with their delimiters for the page's KaTeX auto-render (app.js renders
//   elements with class "math"). Inline math opens with a $ followed by a
//   non-space, and closes at the next $ if that follows a non-space and
//   does not precede a digit ("$5 and $6" is no math); \$ is a dollar. Every
//   dollar sign that is not a delimiter is wrapped in <span class="dollar">
//   so that KaTeX cannot pair it with another.
//
// Invalid UTF-8 is replaced by U+FFFD. The output is deterministic.
std::string RenderCommentMarkdown(std::string_view text);

}  // namespace paperpulse::http
