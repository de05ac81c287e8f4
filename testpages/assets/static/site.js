// Shared helpers of the testpages site. Everything here is local; the site loads nothing from
// outside.
(function () {
  var b = document.body;
  var tp = {
    ms: Number(b.dataset.ms || 0),
    route: b.dataset.route || location.pathname,
    id: b.dataset.id || 'default',
    // result sets the text of #result.
    result: function (text) {
      var r = document.getElementById('result');
      if (r) r.textContent = text;
    },
    // action tells the server that this page's action happened (Server.Actions counts it).
    action: function () {
      try {
        navigator.sendBeacon('/_event?route=' + encodeURIComponent(tp.route) + '&id=' + encodeURIComponent(tp.id));
      } catch (e) { /* counting is best effort */ }
    },
    // counter returns a function that counts one more action and shows "<label> N" in #result.
    counter: function (label) {
      var n = 0;
      return function () {
        n++;
        tp.result(label + ' ' + n);
        tp.action();
        return n;
      };
    },
    // solve marks vendor's look-alike as solved and reloads the top page, as a real widget would
    // after a person passed it.
    solve: function (vendor, el) {
      document.cookie = 'captcha_' + vendor + '=ok; path=/; SameSite=Lax';
      if (el) {
        el.setAttribute('aria-checked', 'true');
        el.classList.add('solved');
      }
      (window.top || window).location.reload();
    }
  };
  window.tp = tp;
})();
