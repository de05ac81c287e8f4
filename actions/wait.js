// The in-page waits of WaitForState and WaitForText, and the reads that need the one element a
// selector names (Value, the state of a checkbox) or only a count. Like locate.js it is evaluated
// once per attempt with Runtime.evaluate(awaitPromise) and answers the moment the condition holds
// — a MutationObserver and a slow poll (for what no mutation reports: CSS, shadow roots, frames)
// — or, a little before the attempt's deadline, with what it saw last.
//
// o = {sel, nth, strict, state, text, timeout, op, want, settle, grace, arm}
//   op "":           wait until state holds over the elements sel matches:
//                      attached  at least one matches        detached  none matches
//                      visible   at least one is rendered    hidden    none is rendered (or none matches)
//                      enabled   at least one is not disabled
//                      text      at least one's text contains o.text (case-sensitive, whitespace collapsed)
//   op "count":      how many match now (no wait)
//   op "value":      the value of the one element (strict, or the nth), once attached
//   op "checkstate": what kind of checkbox or radio the one element is, whether it is checked,
//                    and where a person would click it; with o.settle > 0 it watches after a
//                    click: until the state is o.want (at most o.grace ms), then for o.settle ms;
//                    o.arm (before the click) starts counting the page's changes of it
// Resolves {ok:true, count, ...} or {ok:false, reason, seen, count, ms}.
async (o) => {
  const query = /*QUERY*/null;
  const now = () => performance.now();
  const t0 = now();
  const norm = (s) => String(s == null ? '' : s).replace(/[\s\u00a0\u200b]+/g, ' ').trim();
  const clipText = (s) => (s.length > 80 ? s.slice(0, 80) + '…' : s);
  const desc = (e) => {
    if (!e || e.nodeType !== 1) return String(e && e.nodeName || e);
    let s = e.tagName.toLowerCase();
    if (e.id) return s + '#' + e.id;
    const tid = e.getAttribute('data-testid');
    if (tid) return s + '[data-testid="' + tid + '"]';
    if (typeof e.className === 'string' && e.className.trim()) {
      s += '.' + e.className.trim().split(/\s+/).slice(0, 2).join('.');
    }
    return s;
  };
  const winOf = (el) => (el.ownerDocument && el.ownerDocument.defaultView) || window;
  const visible = (el) => {
    if (!el.isConnected) return false;
    const st = winOf(el).getComputedStyle(el);
    if (st.visibility === 'hidden' || st.visibility === 'collapse') return false;
    if (el.checkVisibility && !el.checkVisibility()) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const disabled = (el) => {
    if (el.disabled === true) return true;
    const fs = el.closest && el.closest('fieldset[disabled]');
    if (fs && !(fs.querySelector('legend') || { contains: () => false }).contains(el)) return true;
    return el.getAttribute && el.getAttribute('aria-disabled') === 'true';
  };
  const textOf = (el) => norm(el.innerText !== undefined ? el.innerText : el.textContent);
  const all = () => query(o.sel, document);
  // Is e there for screen readers only (as locate.js)?
  const srOnly = (e) => {
    const r = e.getBoundingClientRect();
    if (r.width <= 1 && r.height <= 1) return true;
    const st = winOf(e).getComputedStyle(e);
    return st.position === 'absolute' && (/rect\(0(px)?,? 0(px)?,? 0(px)?,? 0(px)?\)/.test(st.clip) || st.clipPath === 'inset(50%)');
  };
  // What a selector matching several elements matched: the first few, with their text.
  const several = (list) => list.slice(0, 4).map((e) => {
    const t = textOf(e);
    return desc(e) + (t ? ' ' + JSON.stringify(t.length > 40 ? t.slice(0, 39) + '…' : t) : '');
  }).join(', ') + (list.length > 4 ? ', …' : '');

  // --- reads of one element ---------------------------------------------------------------
  const BOX_ROLES = ['checkbox', 'radio', 'switch', 'menuitemcheckbox', 'menuitemradio'];
  const isBox = (e) => !!e && e.localName === 'input' && ['checkbox', 'radio'].includes((e.type || '').toLowerCase());
  const roleOf = (e) => (e.getAttribute && (e.getAttribute('role') || '').trim().toLowerCase().split(/\s+/)[0]) || '';
  const valueOf = (el) => {
    const tag = el.localName;
    if (isBox(el)) return { value: String(el.checked), kind: el.type.toLowerCase() };
    if (tag === 'select') return { value: Array.from(el.selectedOptions).map((x) => x.value).join(','), kind: 'select' };
    if (['input', 'textarea', 'option', 'output', 'button', 'progress', 'meter', 'data'].includes(tag)) {
      return { value: String(el.value), kind: tag, secret: tag === 'input' && (el.type || '').toLowerCase() === 'password' };
    }
    if (BOX_ROLES.includes(roleOf(el))) return { value: el.getAttribute('aria-checked') === 'true' ? 'true' : (el.getAttribute('aria-checked') === 'mixed' ? 'mixed' : 'false'), kind: roleOf(el) };
    if (el.isContentEditable) return { value: (el.innerText || '').replace(/\n$/, ''), kind: 'editable' };
    return { err: desc(el) + ' is not a form field (input, textarea, select, contenteditable…): use Text for its text' };
  };
  // An XPath string literal for s.
  const lit = (s) => {
    if (!s.includes("'")) return "'" + s + "'";
    if (!s.includes('"')) return '"' + s + '"';
    return 'concat(' + s.split("'").map((p) => "'" + p + "'").join(", \"'\", ") + ')';
  };
  // The element under the point, through open shadow roots.
  const hitAt = (x, y) => {
    let h = document.elementFromPoint(x, y);
    for (let i = 0; h && h.shadowRoot && i < 32; i++) {
      const inner = h.shadowRoot.elementFromPoint(x, y);
      if (!inner || inner === h) break;
      h = inner;
    }
    return h;
  };
  // Before a click: count the changes of target the page makes from now on (a change event, an
  // aria-checked mutation), so a state the page puts back at once still reads as reverted.
  const arm = (target, aria) => {
    const prev = window.__smartretryCheck;
    if (prev && prev.cleanup) prev.cleanup();
    const rec = window.__smartretryCheck = { changed: 0 };
    const on = (e) => { if (e.target === target) rec.changed++; };
    const w = winOf(target);
    w.addEventListener('change', on, true);
    let amo = null;
    if (aria) {
      amo = new MutationObserver(() => { rec.changed++; });
      amo.observe(target, { attributes: true, attributeFilter: ['aria-checked'] });
    }
    rec.cleanup = () => { w.removeEventListener('change', on, true); if (amo) amo.disconnect(); };
  };
  // The state of the checkbox or radio el stands for (itself, the control of the label it is in,
  // or the ARIA checkbox it is in), and the selector suffix of what to click when el itself cannot
  // be clicked (a hidden or covered input: its label).
  const checkState = (el) => {
    let ctl = null, aria = null;
    if (isBox(el)) ctl = el;
    else if (BOX_ROLES.includes(roleOf(el))) aria = el;
    else {
      const lab = el.closest('label');
      if (lab && isBox(lab.control)) ctl = lab.control;
      else aria = el.closest(BOX_ROLES.map((r) => '[role=' + r + ']').join(','));
    }
    if (!ctl && !aria) return { err: desc(el) + ' is not a checkbox or radio button (an <input type=checkbox|radio>, its <label>, or role=checkbox|radio|switch)' };
    if (aria) {
      const a = aria.getAttribute('aria-checked');
      const type = ['radio', 'menuitemradio'].includes(roleOf(aria)) ? 'radio' : 'checkbox';
      if (o.arm) arm(aria, true);
      return { type, checked: a === 'true' ? 'true' : (a === 'mixed' ? 'mixed' : 'false'), disabled: disabled(aria), desc: desc(aria) };
    }
    const out = { type: ctl.type.toLowerCase(), checked: ctl.indeterminate ? 'mixed' : String(ctl.checked), disabled: disabled(ctl), desc: desc(ctl) };
    if (o.arm) arm(ctl, false);
    if (ctl !== el) return out;
    // The input itself was named: a person clicks it where it shows, else its label.
    const labels = Array.from(ctl.labels || []).filter(visible);
    if (!labels.length) return out;
    let viaLabel = !visible(ctl);
    if (!viaLabel) {
      const r0 = ctl.getBoundingClientRect();
      if (r0.bottom < 0 || r0.top > innerHeight || r0.right < 0 || r0.left > innerWidth) ctl.scrollIntoView({ block: 'center', behavior: 'instant' });
      const r = ctl.getBoundingClientRect();
      const hit = winOf(ctl) === window ? hitAt(r.left + r.width / 2, r.top + r.height / 2) : ctl;
      viaLabel = !!hit && hit !== ctl && !ctl.contains(hit);
    }
    if (!viaLabel) return out;
    const lab = labels[0];
    if (lab === ctl.closest('label')) out.via = 'xpath=ancestor::label[1]';
    else if (lab.htmlFor) {
      const same = Array.from(lab.ownerDocument.querySelectorAll('label')).filter((l) => l.htmlFor === lab.htmlFor);
      out.via = 'xpath=(//label[@for=' + lit(lab.htmlFor) + '])[' + (same.indexOf(lab) + 1) + ']';
    }
    out.label = desc(lab);
    return out;
  };

  // --- the wait -----------------------------------------------------------------------------
  let done = false, resolveFn, mo = null, timer = 0, poll = 0;
  const result = new Promise((r) => { resolveFn = r; });
  const finish = (r) => {
    if (done) return;
    done = true;
    if (mo) mo.disconnect();
    clearTimeout(timer);
    clearInterval(poll);
    r.ms = Math.round(now() - t0);
    if (record) record.result = r;
    resolveFn(r);
  };
  let last = { seen: 'nothing matches', count: 0 };
  // What this wait saw last, readable by a later evaluation when its answer missed the attempt's
  // deadline (late.go's lateAnswerRead), for the waits that give a token.
  const record = o.token ? { token: o.token, t0, result: null, get last() { return last; } } : null;
  if (record) globalThis[Symbol.for('smartretry.wait.seen')] = record;
  // One element for the reads: the one sel names (strict), or the nth.
  const pick = (list) => {
    const n = list.length;
    if (o.strict && n > 1) {
      if (list.whole && list.whole.length === 1) return { el: list.whole[0], count: n }; // as locate.js
      const seen = (list.whole && list.whole.length ? list.whole : list).filter((e) => !srOnly(e));
      if (seen.length === 1) return { el: seen[0], count: n };
      return { fatal: { ok: false, reason: 'multiple', count: n, detail: several(list) } };
    }
    const i = o.nth < 0 ? n + o.nth : o.nth;
    if (i < 0 || i >= n) return { count: n };
    return { el: list[i], count: n };
  };
  // Does the state hold? Returns a result to finish with, or null (and updates last).
  const check = () => {
    let list;
    try { list = all(); } catch (e) { return { ok: false, reason: 'invalid', detail: String(e && e.message || e) }; }
    const n = list.length;
    if (o.op === 'count') return { ok: true, count: n };
    if (o.op === 'value' || o.op === 'checkstate') {
      const p = pick(list);
      if (p.fatal) return p.fatal;
      if (!p.el) { last = { seen: n ? n + ' match, fewer than asked' : 'nothing matches', count: n }; return null; }
      if (o.op === 'value') {
        const v = valueOf(p.el);
        if (v.err) return { ok: false, reason: 'unusable', detail: v.err, count: n };
        return Object.assign({ ok: true, count: n }, v);
      }
      const c = checkState(p.el);
      if (c.err) return { ok: false, reason: 'unusable', detail: c.err, count: n };
      return Object.assign({ ok: true, count: n }, c);
    }
    const st = o.state;
    if (n === 0) {
      last = { seen: 'nothing matches', count: 0 };
      return st === 'detached' || st === 'hidden' ? { ok: true, count: 0 } : null;
    }
    switch (st) {
      case 'attached': return { ok: true, count: n };
      case 'detached': last = { seen: n + ' attached (' + desc(list[0]) + ')', count: n }; return null;
      case 'visible': {
        if (list.some(visible)) return { ok: true, count: n };
        last = { seen: 'attached but hidden (' + desc(list[0]) + (n > 1 ? ' and ' + (n - 1) + ' more' : '') + ')', count: n };
        return null;
      }
      case 'hidden': {
        const v = list.find(visible);
        if (!v) return { ok: true, count: n };
        last = { seen: 'visible (' + desc(v) + ')', count: n };
        return null;
      }
      case 'enabled': {
        if (list.some((e) => !disabled(e))) return { ok: true, count: n };
        last = { seen: 'disabled (' + desc(list[0]) + ')', count: n };
        return null;
      }
      case 'text': {
        const want = norm(o.text);
        const texts = list.map(textOf);
        if (texts.some((t) => t.includes(want))) return { ok: true, count: n };
        last = { seen: 'text ' + JSON.stringify(clipText(texts[0])) + (n > 1 ? ' (and ' + (n - 1) + ' more elements)' : ''), count: n };
        return null;
      }
    }
    return { ok: false, reason: 'invalid', detail: 'unknown state ' + st };
  };

  // After a click on a checkbox: the state reaches o.want (within o.grace ms) and keeps it for
  // o.settle ms; or it never changes; or the page puts it back.
  if (o.op === 'checkstate' && o.settle > 0) {
    let reachedAt = 0;
    const rec = window.__smartretryCheck || { changed: 0 };
    const end = (r) => { if (rec.cleanup) rec.cleanup(); if (window.__smartretryCheck === rec) window.__smartretryCheck = null; finish(r); };
    const tick = () => {
      const r = check();
      if (!r || !r.ok) return end(r || { ok: false, reason: 'not_found', count: last.count });
      const t = now();
      const at = r.checked === o.want;
      if (at && !reachedAt) reachedAt = t;
      if (!at && (reachedAt || rec.changed > 0)) return end(Object.assign(r, { ok: true, reverted: true }));
      if (at && t - reachedAt >= o.settle) return end(Object.assign(r, { ok: true, held: true }));
      if (!at && t - t0 >= o.grace) return end(Object.assign(r, { ok: true, unchanged: true }));
      setTimeout(tick, 10);
    };
    tick();
    return result;
  }

  const tick = () => {
    if (done) return;
    const r = check();
    if (r) finish(r);
  };
  tick();
  if (done || o.op === 'count') return result;
  mo = new MutationObserver(tick);
  mo.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
  poll = setInterval(tick, 50);
  timer = setTimeout(() => finish(Object.assign({ ok: false, reason: 'timeout' }, last)), Math.max(0, o.timeout));
  return result;
}
