// listeners.js runs in every document of a tab the MCP server drives, before the page's own scripts
// (Page.addScriptToEvaluateOnNewDocument). It remembers which elements got a click-like listener,
// so the snapshot can give a ref to a <div> or an <a> without href that a person can click although
// nothing in the markup says so. It changes no behaviour of the page.
(() => {
  if (window.__smartretryClicks) return;
  const seen = new WeakSet();
  Object.defineProperty(window, '__smartretryClicks', { value: seen, enumerable: false });
  const kinds = new Set(['click', 'mousedown', 'mouseup', 'pointerdown', 'pointerup', 'dblclick']);
  const orig = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, fn, opts) {
    try { if (kinds.has(type) && this instanceof Element) seen.add(this); } catch (e) { /* never break the page */ }
    return orig.call(this, type, fn, opts);
  };
})();
