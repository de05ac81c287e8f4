// The "Just a moment..." look-alike's script, served under /cdn-cgi/challenge-platform/ like the
// real one. It wires the checkbox: a person's click sets captcha_cloudflare=ok and reloads.
(function () {
  var cb = document.getElementById('captcha-solve');
  if (!cb) return;
  cb.addEventListener('click', function () { window.tp.solve('cloudflare', cb); });
})();
