// Progressive enhancement only: every page works without this file.
// - renders TeX ($...$, \(...\), $$...$$, \[...\]) in elements marked
//   class="math" with KaTeX (served by paperpulse itself, no CDN);
// - turns on the "Copy" buttons (data-copy-target = id of the text to copy);
// - on signed-in pages, which carry their CSRF token in
//   <meta name="csrf-token">, calls the JSON API instead of posting forms:
//   votes, library save toggles, "Add to list", comments (anonymous
//   readers' forms post and are sent to sign in);
// - asks before deleting a reading list (forms with data-confirm) or a
//   comment.
(function () {
  "use strict";

  function renderMath() {
    if (typeof window.renderMathInElement !== "function") return;
    var options = {
      delimiters: [
        { left: "$$", right: "$$", display: true },
        { left: "\\[", right: "\\]", display: true },
        { left: "\\(", right: "\\)", display: false },
        { left: "$", right: "$", display: false },
      ],
      // Abstracts are not always valid TeX: show the source of a formula
      // KaTeX cannot parse instead of an error box, and never throw.
      throwOnError: false,
      errorColor: "inherit",
      ignoredTags: ["script", "noscript", "style", "textarea", "pre", "code", "option", "input"],
    };
    var nodes = document.querySelectorAll(".math");
    for (var i = 0; i < nodes.length; i++) {
      try {
        window.renderMathInElement(nodes[i], options);
      } catch (e) {
        // One bad formula must not stop the others.
      }
    }
  }

  // Copies through a hidden selection: works on plain-http sites, which have
  // no Clipboard API, and where the API refuses (no permission, no focus).
  function copyBySelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "0";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    document.body.removeChild(area);
    return ok;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        if (!copyBySelection(text)) throw new Error("copy failed");
      });
    }
    return copyBySelection(text) ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function setUpCopyButtons() {
    var buttons = document.querySelectorAll("[data-copy-target]");
    Array.prototype.forEach.call(buttons, function (button) {
      var target = document.getElementById(button.getAttribute("data-copy-target"));
      if (!target) return;
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        copyText(target.textContent).then(
          function () {
            button.textContent = "Copied";
            button.classList.add("done");
          },
          function () {
            // Leave the text selected so that Ctrl+C / Cmd+C copies it.
            var range = document.createRange();
            range.selectNodeContents(target);
            var selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            button.textContent = "Press Ctrl+C";
          }
        );
        window.setTimeout(function () {
          button.textContent = label;
          button.classList.remove("done");
        }, 2000);
      });
    });
  }

  // ---- the JSON API from signed-in pages

  // The page's CSRF token when it can call the JSON API (a signed-in page
  // in a browser with fetch), else null.
  function apiToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta && window.fetch ? meta.getAttribute("content") : null;
  }

  // `method` `path` of the JSON API as the signed-in reader, with `body`
  // sent as JSON when given: the fetch promise of the response.
  function callApi(csrf, method, path, body) {
    var request = {
      method: method,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, Accept: "application/json" },
    };
    if (body !== undefined) {
      request.headers["Content-Type"] = "application/json";
      request.body = JSON.stringify(body);
    }
    return fetch(path, request);
  }

  // The JSON body of a successful `response`; for a failed one, an Error
  // with the API's message, else `failure`.
  function readJson(response, failure) {
    return response.json().then(function (body) {
      if (!response.ok) throw new Error(body && body.error ? body.error : failure);
      return body;
    });
  }

  // Sends a reader whose session ended to sign in, back to this page.
  function signIn() {
    window.location.href = "/login?next=" + encodeURIComponent(window.location.pathname);
    return null;
  }

  // ---- votes

  function setVoteState(form, upvoted, count) {
    var button = form.querySelector(".vote-button");
    var n = form.querySelector(".n");
    var action = form.querySelector('input[name="action"]');
    if (button) button.setAttribute("aria-pressed", upvoted ? "true" : "false");
    if (n && typeof count === "number") n.textContent = String(count);
    if (action) action.value = upvoted ? "down" : "up";
  }

  function setUpVoteForms(csrf) {
    var forms = document.querySelectorAll("form.votes[data-paper-id]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var button = form.querySelector(".vote-button");
        var up = button.getAttribute("aria-pressed") !== "true";
        var id = form.getAttribute("data-paper-id");
        button.disabled = true;
        callApi(csrf, up ? "POST" : "DELETE", "/api/papers/" + id + "/upvote")
          .then(function (response) {
            if (response.status === 401) return signIn();
            return readJson(response, "vote failed");
          })
          .then(function (body) {
            if (!body) return;
            // Every card of this paper on the page shows the new state.
            var same = document.querySelectorAll('form.votes[data-paper-id="' + id + '"]');
            Array.prototype.forEach.call(same, function (f) {
              setVoteState(f, body.upvoted, body.upvotes);
            });
          })
          .catch(function (error) {
            button.title = error.message;
          })
          .then(function () {
            button.disabled = false;
          });
      });
    });
  }

  // ---- reading lists: confirmations and the paper page's "Add to list"

  function setUpConfirmations() {
    var forms = document.querySelectorAll("form[data-confirm]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  }

  // Adds through the JSON API and says where the paper went, without
  // leaving the page.
  function setUpAddToList(csrf) {
    var forms = document.querySelectorAll("form.add-to-list-form[data-owner]");
    Array.prototype.forEach.call(forms, function (form) {
      var select = form.querySelector("select[name=list]");
      var status = form.querySelector(".add-to-list-status");
      var button = form.querySelector("button[type=submit]");
      form.addEventListener("submit", function (event) {
        if (!select || !status) return;
        event.preventDefault();
        var option = select.options[select.selectedIndex];
        var path =
          "/lists/" + encodeURIComponent(form.getAttribute("data-owner")) + "/" + select.value;
        button.disabled = true;
        status.textContent = "";
        callApi(csrf, "POST", "/api" + path + "/papers", { id: form.getAttribute("data-paper-id") })
          .then(function (response) {
            return readJson(response, "not added").then(function (body) {
              return { created: response.status === 201, item: body };
            });
          })
          .then(function (result) {
            var title = option ? option.textContent.replace(/\s*\(\d+\)$/, "") : "the list";
            var count = option ? option.textContent.match(/\((\d+)\)$/) : null;
            if (result.created && count) {
              option.textContent = title + " (" + (Number(count[1]) + 1) + ")";
            }
            status.textContent =
              (result.created ? "Added to " : "Already on ") +
              title +
              ", at #" +
              (result.item.position + 1) +
              ". ";
            var link = document.createElement("a");
            link.href = path + "#paper-" + result.item.paper.id;
            link.textContent = "Open the list";
            status.appendChild(link);
          })
          .catch(function (error) {
            status.textContent = error.message;
          })
          .then(function () {
            button.disabled = false;
          });
      });
    });
  }

  // ---- personal library: save toggles without a reload
  // POST /api/library, DELETE /api/library/{id}; every toggle of the same
  // paper on the page follows.

  function setSaved(id, saved) {
    var forms = document.querySelectorAll('form.save-toggle[data-paper-id="' + id + '"]');
    Array.prototype.forEach.call(forms, function (form) {
      var button = form.querySelector(".save-button");
      var label = form.querySelector(".save-label");
      var action = form.querySelector('input[name="action"]');
      if (button) {
        button.setAttribute("aria-pressed", saved ? "true" : "false");
        button.title = saved ? "In your library: remove it" : "Save to your library";
      }
      if (label) label.textContent = saved ? "Saved" : "Save";
      if (action) action.value = saved ? "remove" : "save";
      // On /library an unsaved card stays (to save it again) but fades.
      var card = form.closest(".card");
      if (card) card.classList.toggle("is-unsaved", !saved);
    });
  }

  function setUpSaveToggles(csrf) {
    var forms = document.querySelectorAll("form.save-toggle[data-paper-id]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var button = form.querySelector(".save-button");
        var save = button.getAttribute("aria-pressed") !== "true";
        var id = form.getAttribute("data-paper-id");
        button.disabled = true;
        var call = save
          ? callApi(csrf, "POST", "/api/library", { id: id })
          : callApi(csrf, "DELETE", "/api/library/" + id);
        call
          .then(function (response) {
            if (response.status === 401) return signIn();
            // Removed elsewhere already (another tab): unsaved all the same.
            if (!save && response.status === 404) {
              setSaved(id, false);
              return;
            }
            return readJson(response, "save failed").then(function () {
              setSaved(id, save);
            });
          })
          .catch(function (error) {
            button.title = error.message;
          })
          .then(function () {
            button.disabled = false;
          });
      });
    });
  }

  // ---- discussion: comments on the paper page
  // New comments, replies and edits go through the JSON API, so that a
  // refusal (too long, too many comments a minute) is shown beside the form
  // and the text stays in it; on success the page reloads at the comment,
  // rendered by the server like any other (math included).

  function showError(form, message) {
    var box = form.querySelector(".comment-error");
    if (!box) {
      box = document.createElement("p");
      box.className = "comment-error";
      box.setAttribute("role", "alert");
      var actions = form.querySelector(".form-actions");
      form.insertBefore(box, actions ? actions.nextSibling : null);
    }
    box.textContent = message;
  }

  function submitThroughApi(form, csrf, event) {
    // "/papers/{id}/comments" (new, reply) or ".../comments/{n}/edit".
    var m = /^\/papers\/(.+)\/comments(?:\/(\d+)\/edit)?$/.exec(form.getAttribute("action") || "");
    var area = form.querySelector("textarea[name=text]");
    if (!m || !area) return;
    event.preventDefault();
    var body = { text: area.value };
    var parent = form.querySelector('input[name="parent_id"]');
    if (parent) body.parentId = Number(parent.value);
    var button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    var path = "/api/papers/" + m[1] + "/comments" + (m[2] ? "/" + m[2] : "");
    callApi(csrf, m[2] ? "PATCH" : "POST", path, body)
      .then(function (response) {
        if (response.status === 401) return signIn();
        return readJson(response, "not saved");
      })
      .then(function (doc) {
        if (!doc) return;
        // A reload would restore the old scroll position; the reloaded
        // page scrolls to the comment instead (setUpDiscussion()).
        window.history.scrollRestoration = "manual";
        window.history.replaceState(null, "", "#comment-" + doc.id);
        try {
          window.sessionStorage.setItem(kScrollKey, "comment-" + doc.id);
        } catch (e) {
          // No storage (private mode): the page opens at the top.
        }
        window.location.reload();
      })
      .catch(function (error) {
        showError(form, error.message);
        if (button) button.disabled = false;
      });
  }

  var kScrollKey = "paperpulse-scroll-to";

  function scrollToSavedComment() {
    var id = null;
    try {
      id = window.sessionStorage.getItem(kScrollKey);
      window.sessionStorage.removeItem(kScrollKey);
    } catch (e) {
      return;
    }
    var target = id && document.getElementById(id);
    if (target) target.scrollIntoView({ block: "start" });
  }

  function setUpDiscussion(csrf) {
    var discussion = document.getElementById("discussion");
    if (!discussion) return;
    scrollToSavedComment();
    discussion.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.classList.contains("comment-delete")) {
        if (!window.confirm("Delete this comment?")) event.preventDefault();
      } else if (csrf !== null && form.classList.contains("comment-form")) {
        submitThroughApi(form, csrf, event);
      }
    });
  }

  function start() {
    renderMath();
    setUpCopyButtons();
    setUpConfirmations();
    var csrf = apiToken();
    if (csrf !== null) {
      setUpVoteForms(csrf);
      setUpAddToList(csrf);
      setUpSaveToggles(csrf);
    }
    setUpDiscussion(csrf);
    // For tests and styles: the page is fully enhanced.
    document.documentElement.classList.add("js-ready");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
