// Proof-of-work search (ALTCHA format): find n in 0..max with SHA-256(salt + n) = challenge.
// Runs in Web Workers so the page stays responsive; worker `start` of `step` tries
// start, start + step, start + 2*step, ... and reports how many it tried to pow.js.
"use strict";

self.onmessage = async function (event) {
  var task = event.data;
  var encoder = new TextEncoder();
  var target = new Uint8Array(task.challenge.match(/../g).map(function (h) { return parseInt(h, 16); }));
  var started = Date.now();
  var tried = 0;
  for (var n = task.start; n <= task.max; n += task.step) {
    var digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(task.salt + n)));
    var same = true;
    for (var i = 0; i < 32; i++) {
      if (digest[i] !== target[i]) { same = false; break; }
    }
    if (same) {
      self.postMessage({ type: "found", number: n, took: Date.now() - started });
      return;
    }
    if (++tried % 1000 === 0) self.postMessage({ type: "progress", tried: 1000 });
  }
  self.postMessage({ type: "failed" });
};
