// Progressive enhancements only; every form works without this file.
(function () {
  "use strict";

  // Move focus to the error summary so screen readers announce it and keyboards start there.
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) summary.focus();

  // Show / hide password.
  document.querySelectorAll("button.toggle-password").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("aria-controls"));
    if (!input) return;
    button.addEventListener("click", function () {
      var show = input.type === "password";
      input.type = show ? "text" : "password";
      button.setAttribute("aria-pressed", show ? "true" : "false");
      button.textContent = show ? button.dataset.hideText : button.dataset.showText;
    });
  });

  // Caps Lock warning while typing in a password field (announced through aria-live).
  document.querySelectorAll("[data-caps-for]").forEach(function (warning) {
    var input = document.getElementById(warning.dataset.capsFor);
    if (!input) return;
    var update = function (event) {
      if (!event.getModifierState) return;
      var on = event.getModifierState("CapsLock");
      var text = on ? warning.dataset.capsText : "";
      if (warning.textContent !== text) warning.textContent = text;
    };
    input.addEventListener("keydown", update);
    input.addEventListener("keyup", update);
    input.addEventListener("blur", function () { warning.textContent = ""; });
  });

  // A rough strength meter. The server's checks (length, common passwords, your own
  // words) decide; this only encourages longer passwords while typing.
  document.querySelectorAll("[data-strength-for]").forEach(function (box) {
    var input = document.getElementById(box.dataset.strengthFor);
    var meter = box.querySelector("meter");
    var label = box.querySelector(".strength-text");
    var labels = label.dataset.labels.split("|");
    if (!input || !meter) return;
    box.hidden = false;
    input.addEventListener("input", function () {
      var value = input.value;
      var kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter(function (r) { return r.test(value); }).length;
      var unique = new Set(value).size;
      var score = 0;
      if (value.length >= 8) score = 1;
      if (value.length >= 12 && unique >= 6) score = 2;
      if (value.length >= 15 && unique >= 8) score = 3;
      if (value.length >= 20 && unique >= 10 && kinds >= 2) score = 4;
      meter.value = score;
      label.textContent = value.length ? labels[score] : "";
    });
  });
})();

// "Print" buttons (no inline script under the CSP).
document.addEventListener("click", event => {
    if (event.target instanceof Element && event.target.closest("[data-print]")) window.print();
});

// Times are written in UTC (<time datetime="…Z">); show them in the reader's own time zone.
// The UTC text stays in the title, so hovering shows it.
document.querySelectorAll("time[data-local-time]").forEach(function (time) {
  var at = new Date(time.getAttribute("datetime"));
  if (isNaN(at.getTime())) return;
  try {
    // The reader's own locale and zone (undefined): their usual date order and 12/24-hour clock.
    time.textContent = new Intl.DateTimeFormat(undefined, {
      year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short",
    }).format(at);
  } catch (e) {
    // An engine without Intl keeps the UTC text.
  }
});

// Reference codes: a "Copy" button, where the browser lets a page write to the clipboard.
// The words come from the page (data-copy-*), and "copied" is announced through a status region.
document.querySelectorAll("[data-copy-code]").forEach(function (reference) {
  if (!navigator.clipboard || !window.isSecureContext) return;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "copy secondary";
  button.textContent = reference.getAttribute("data-copy-label");
  button.setAttribute("aria-label", reference.getAttribute("data-copy-name"));
  var status = document.createElement("span");
  status.setAttribute("role", "status");
  status.className = "copy-status";
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(reference.getAttribute("data-copy-code")).then(function () {
      status.textContent = reference.getAttribute("data-copied");
    }, function () {
      status.textContent = "";
    });
  });
  reference.append(" ", button, " ", status);
});
