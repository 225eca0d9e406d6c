// Progressive enhancement only: every page works without this file.
// - renders TeX ($...$, \(...\), $$...$$, \[...\]) in elements marked
//   class="math" with KaTeX (served by paperpulse itself, no CDN);
// - turns on the "Copy" buttons (data-copy-target = id of the text to copy);
// - votes without a reload: a signed-in page carries its CSRF token in
//   <meta name="csrf-token">; the vote forms then call the JSON API instead
//   of posting (anonymous readers' forms post and are sent to sign in).
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

  function setVoteState(form, upvoted, count) {
    var button = form.querySelector(".vote-button");
    var n = form.querySelector(".n");
    var action = form.querySelector('input[name="action"]');
    if (button) button.setAttribute("aria-pressed", upvoted ? "true" : "false");
    if (n && typeof count === "number") n.textContent = String(count);
    if (action) action.value = upvoted ? "down" : "up";
  }

  function setUpVoteForms() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (!meta || !window.fetch) return;
    var csrf = meta.getAttribute("content");
    var forms = document.querySelectorAll("form.votes[data-paper-id]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var button = form.querySelector(".vote-button");
        var up = button.getAttribute("aria-pressed") !== "true";
        var id = form.getAttribute("data-paper-id");
        button.disabled = true;
        fetch("/api/papers/" + id + "/upvote", {
          method: up ? "POST" : "DELETE",
          credentials: "same-origin",
          headers: { "X-CSRF-Token": csrf, Accept: "application/json" },
        })
          .then(function (response) {
            if (response.status === 401) {
              window.location.href = "/login?next=" + encodeURIComponent(window.location.pathname);
              return null;
            }
            return response.json().then(function (body) {
              if (!response.ok) throw new Error(body && body.error ? body.error : "vote failed");
              return body;
            });
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

  function start() {
    renderMath();
    setUpCopyButtons();
    setUpVoteForms();
    // For tests and styles: the page is fully enhanced.
    document.documentElement.classList.add("js-ready");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

/* ---- reading lists ---- */
// - forms with data-confirm (deleting a list) ask first;
// - the "Add to list" control of a paper page adds through the JSON API and
//   says where the paper went, without leaving the page.
(function () {
  "use strict";

  function setUpConfirmations() {
    var forms = document.querySelectorAll("form[data-confirm]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  }

  function setUpAddToList() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (!meta || !window.fetch) return;
    var csrf = meta.getAttribute("content");
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
        fetch("/api" + path + "/papers", {
          method: "POST",
          credentials: "same-origin",
          headers: {
            "Content-Type": "application/json",
            "X-CSRF-Token": csrf,
            Accept: "application/json",
          },
          body: JSON.stringify({ id: form.getAttribute("data-paper-id") }),
        })
          .then(function (response) {
            return response.json().then(function (body) {
              if (!response.ok) throw new Error(body && body.error ? body.error : "not added");
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

  function init() {
    setUpConfirmations();
    setUpAddToList();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

/* ---- personal library: save toggles without a reload ---- */
// A signed-in page (with <meta name="csrf-token">) saves and unsaves
// through the JSON API (POST /api/library, DELETE /api/library/{id}); the
// forms post as before without JavaScript, and for anonymous readers (who
// are sent to sign in). Every toggle of the same paper on the page follows.
(function () {
  "use strict";

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

  function setUpSaveToggles() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (!meta || !window.fetch) return;
    var csrf = meta.getAttribute("content");
    var forms = document.querySelectorAll("form.save-toggle[data-paper-id]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var button = form.querySelector(".save-button");
        var save = button.getAttribute("aria-pressed") !== "true";
        var id = form.getAttribute("data-paper-id");
        var headers = { "X-CSRF-Token": csrf, Accept: "application/json" };
        var request = { method: save ? "POST" : "DELETE", credentials: "same-origin", headers: headers };
        if (save) {
          headers["Content-Type"] = "application/json";
          request.body = JSON.stringify({ id: id });
        }
        button.disabled = true;
        fetch(save ? "/api/library" : "/api/library/" + id, request)
          .then(function (response) {
            if (response.status === 401) {
              window.location.href = "/login?next=" + encodeURIComponent(window.location.pathname);
              return;
            }
            // Removed elsewhere already (another tab): unsaved all the same.
            if (!save && response.status === 404) {
              setSaved(id, false);
              return;
            }
            return response.json().then(function (body) {
              if (!response.ok) throw new Error(body && body.error ? body.error : "save failed");
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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpSaveToggles);
  } else {
    setUpSaveToggles();
  }
})();

/* ---- discussion: comments on the paper page ---- */
// - asks before a comment is deleted;
// - on signed-in pages (<meta name="csrf-token">), posts new comments,
//   replies and edits through the JSON API, so that a refusal (too long,
//   too many comments a minute) is shown beside the form and the text
//   stays in it; on success the page reloads at the comment, rendered by
//   the server like any other (math included).
(function () {
  "use strict";

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
    fetch("/api/papers/" + m[1] + "/comments" + (m[2] ? "/" + m[2] : ""), {
      method: m[2] ? "PATCH" : "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRF-Token": csrf,
        Accept: "application/json",
      },
      body: JSON.stringify(body),
    })
      .then(function (response) {
        if (response.status === 401) {
          window.location.href = "/login?next=" + encodeURIComponent(window.location.pathname);
          return null;
        }
        return response.json().then(function (doc) {
          if (!response.ok) throw new Error(doc && doc.error ? doc.error : "not saved");
          return doc;
        });
      })
      .then(function (doc) {
        if (!doc) return;
        // A reload would restore the old scroll position; the reloaded
        // page scrolls to the comment instead (start()).
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

  function start() {
    var discussion = document.getElementById("discussion");
    if (!discussion) return;
    scrollToSavedComment();
    var meta = document.querySelector('meta[name="csrf-token"]');
    var csrf = meta && window.fetch ? meta.getAttribute("content") : null;
    discussion.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.classList.contains("comment-delete")) {
        if (!window.confirm("Delete this comment?")) event.preventDefault();
      } else if (csrf && form.classList.contains("comment-form")) {
        submitThroughApi(form, csrf, event);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
