// The sign-in page's safety check: solves the server's proof-of-work challenge in a Web Worker
// (pow-worker.js), shows its progress in a <progress> and a status line, and puts the answer
// in the form. A press on "Sign in" before the answer is found waits for it. Without this
// script (or without Web Workers / WebCrypto) the page's own text applies: wait, then sign in.
(function () {
  "use strict";

  var box = document.querySelector("[data-pow]");
  if (!box || !window.Worker || !window.crypto || !window.crypto.subtle) return;
  var form = box.closest("form");
  var challengeField = form.querySelector("[data-pow-challenge]");
  var solutionField = form.querySelector("[data-pow-solution]");
  var status = box.querySelector("[role=status]");
  var progress = box.querySelector("progress");
  var challenge;
  try { challenge = JSON.parse(atob(challengeField.value)); } catch (e) { return; }

  var solved = false;
  var submitWhenSolved = false;
  var announced = -1;

  function say(text) { if (status.textContent !== text) status.textContent = text; }
  function show(percent) {
    progress.value = percent;
    // The status line (a live region) speaks at every quarter, not at every step.
    var quarter = Math.floor(percent / 25) * 25;
    if (quarter > announced) {
      announced = quarter;
      say(box.dataset.workingText.replace("{0}", String(quarter)));
    }
  }

  // Several workers share the search (every step-th number each), as ALTCHA's widget does.
  var step = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2));
  var workers = [];
  var tried = 0;
  var finished = 0;
  function stopAll() { workers.forEach(function (w) { w.terminate(); }); }
  function fail() {
    if (solved) return;
    stopAll();
    progress.hidden = true;
    say(box.dataset.failedText);
    box.dataset.powState = "failed";
    solved = true; // let the form go: the unanswered challenge counts after its wait
  }
  progress.hidden = false;
  show(0);
  for (var k = 0; k < step; k++) {
    var worker = new Worker("/js/pow-worker.js");
    worker.onmessage = function (event) {
      var message = event.data;
      if (solved) return;
      if (message.type === "progress") {
        tried += message.tried;
        // The number is uniform in 0..maxnumber: show the share of the range searched.
        show(Math.min(99, Math.floor(tried * 100 / Math.max(1, challenge.maxnumber + 1))));
      } else if (message.type === "found") {
        stopAll();
        solutionField.value = btoa(JSON.stringify({
          algorithm: challenge.algorithm, challenge: challenge.challenge, number: message.number,
          salt: challenge.salt, signature: challenge.signature, took: message.took
        }));
        solved = true;
        progress.value = 100;
        say(box.dataset.doneText);
        box.dataset.powState = "solved";
        if (submitWhenSolved) {
          if (form.requestSubmit) form.requestSubmit(); else form.submit();
        }
      } else if (++finished === step) {
        fail();
      }
    };
    worker.onerror = fail;
    worker.postMessage({ challenge: challenge.challenge, salt: challenge.salt, max: challenge.maxnumber, start: k, step: step });
    workers.push(worker);
  }

  form.addEventListener("submit", function (event) {
    if (solved) return;
    event.preventDefault();
    submitWhenSolved = true;
  });
})();
