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
