// Progressive enhancement only: every page works without this file.
// - renders TeX ($...$, \(...\), $$...$$, \[...\]) in elements marked
//   class="math" with KaTeX (served by paperpulse itself, no CDN);
// - turns on the "Copy" buttons (data-copy-target = id of the text to copy).
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

  function start() {
    renderMath();
    setUpCopyButtons();
    // For tests and styles: the page is fully enhanced.
    document.documentElement.classList.add("js-ready");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
