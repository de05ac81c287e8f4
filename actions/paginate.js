// The in-page half of Paginate: whether the "next" control can be used, and whether a click on
// it changed the page.
//
// o = {op, sel, sig, quiet, max}
//   op "next":    {count, usable, idx, key, why, sig}: the first match of sel a person could use
//                 (rendered and not for screen readers only, not disabled: no disabled
//                 property, aria-disabled="true" or a "disabled" class on it or its two
//                 nearest ancestors — Bootstrap's li.page-item.disabled — and not
//                 pointer-events:none), its index among the
//                 matches, or why none is: "gone" (no match), "hidden", "disabled", "other"
//                 (only elements other than the one clicked before match: o.key, its tag and
//                 classes, "disabled" ones left out); of a text= selector's matches, those that
//                 are the whole text are taken when there are any (text=More is the "More"
//                 button, not the "Learn more" link beside it); sig is the
//                 page's text as it stands (a hash of the visible text of the document and its
//                 same-origin frames)
//   op "changed": waits until the page's text differs from o.sig ("": no wait for that), then
//                 until the DOM has had no node or text change for o.quiet ms; or o.max ms
//                 passed. {changed, sig, ms}
async (o) => {
  const query = /*QUERY*/null;
  const now = () => performance.now();
  const texts = (doc, out, depth) => {
    if (!doc || !doc.body) return;
    out.push(doc.body.innerText || '');
    if (depth > 3) return;
    for (const f of doc.querySelectorAll('iframe, frame')) {
      let d = null;
      try { d = f.contentDocument; } catch (e) { d = null; }
      texts(d, out, depth + 1);
    }
  };
  const sig = () => {
    const parts = [];
    texts(document, parts, 0);
    const t = parts.join('\u0000');
    let h = 0x811c9dc5;
    for (let i = 0; i < t.length; i++) { h ^= t.charCodeAt(i); h = Math.imul(h, 16777619); }
    return (h >>> 0).toString(16) + ':' + t.length;
  };
  const rendered = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  // Text for screen readers only (Bootstrap's .sr-only: a box of at most 1px, or clipped away)
  // is no control a person uses: a carousel's "Next" before the pager's Next button.
  const srOnly = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width <= 1 && r.height <= 1) return true;
    const st = getComputedStyle(el);
    return st.position === 'absolute' && (/rect\(0(px)?,? 0(px)?,? 0(px)?,? 0(px)?\)/.test(st.clip) || st.clipPath === 'inset(50%)');
  };
  const disabled = (el) => {
    for (let n = el, i = 0; n && n.nodeType === 1 && i < 3; n = n.parentElement, i++) {
      if ('disabled' in n && n.disabled === true) return true;
      if ((n.getAttribute('aria-disabled') || '').toLowerCase() === 'true') return true;
      if (/(^|[\s_-])disabled($|[\s_-])/i.test(n.getAttribute('class') || '')) return true;
    }
    return getComputedStyle(el).pointerEvents === 'none';
  };
  // What tells the control clicked before from other matches: its tag and classes, but not
  // the ones that say it is disabled, active or loading.
  const key = (el) => el.tagName + '.' + (el.getAttribute('class') || '').split(/\s+/)
    .filter((c) => c && !/disabled|active|loading|busy|hidden/i.test(c)).sort().join('.');
  if (o.op === 'next') {
    let els;
    try {
      els = query(o.sel, document);
    } catch (e) {
      if (e && e.selector) return { reason: 'invalid', detail: String(e.message || e) };
      throw e;
    }
    const s = sig();
    if (!els.length) return { count: 0, why: 'gone', sig: s };
    const cands = els.whole && els.whole.length ? els.whole : els;
    let why = 'hidden', other = false;
    for (const el of cands) {
      if (!rendered(el) || srOnly(el)) continue;
      if (disabled(el)) { why = 'disabled'; continue; }
      const k = key(el);
      if (o.key && k !== o.key) { other = true; continue; }
      return { count: els.length, usable: true, idx: els.indexOf(el), key: k, sig: s };
    }
    return { count: els.length, why: other && why === 'hidden' ? 'other' : why, sig: s };
  }
  // op "changed"
  const t0 = now();
  let last = now();
  const mo = new MutationObserver(() => { last = now(); });
  mo.observe(document, { subtree: true, childList: true, characterData: true });
  try {
    let changed = !o.sig || sig() !== o.sig;
    if (changed) last = Math.max(last, t0);
    while (now() - t0 < o.max) {
      if (!changed) {
        if (sig() !== o.sig) { changed = true; last = now(); }
      } else if (now() - last >= o.quiet) {
        break;
      }
      await new Promise((r) => setTimeout(r, 40));
    }
    const s = sig();
    return { changed: !o.sig || s !== o.sig, sig: s, ms: Math.round(now() - t0) };
  } finally {
    mo.disconnect();
  }
}
