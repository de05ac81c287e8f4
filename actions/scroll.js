// The in-page half of Scroll and ScrollUntil. Go sends the wheel events (Input.dispatchMouseEvent,
// mouseWheel, as a person's mouse does); this script says where to send them and watches what
// the page does after them.
//
// o = {op, sel, timeout, before, idle, quiet, max}
//   op "page":  a point of the viewport whose wheel scrolls the page itself (not an inner scroll box)
//   op "arm":   before a wheel: starts counting scroll events (of the page and of every element)
//               and notes the wheel event when it arrives: whether something under it can scroll
//               its way (the browser will scroll natively) and whether the page prevented that
//   op "settle": after it: resolves once the scrolling it caused has stopped (or none came).
//               Its waits run on the page's own clock: a timer turn counts for at most 50ms, so
//               seconds in which the page was too busy to run a timer (a heavy frame, a slow
//               machine) do not pass for quiet
//   op "list":  waits (MutationObserver, until o.timeout) until sel matches something, then
//               answers {count, x, y, dy, end, pos}: a point over the matches' scroll container
//               (or the page), how far a wheel should scroll it, whether it is at its end
//   op "more":  after a wheel: waits until more than o.before elements match and the DOM has been
//               quiet for o.quiet ms, or nothing changed for o.idle ms, or o.max ms passed; then
//               answers as "list" plus {grew}
async (o) => {
  const query = /*QUERY*/null;
  const now = () => performance.now();
  const t0 = now();
  const scrollableY = (e) => {
    if (!e || e.nodeType !== 1) return false;
    const st = getComputedStyle(e);
    return /(auto|scroll|overlay)/.test(st.overflowY) && e.scrollHeight > e.clientHeight + 1;
  };
  const up = (n) => n.parentElement || (n.getRootNode && n.getRootNode().host) || null;
  // The nearest ancestor of el that scrolls vertically, or null for the page.
  const scrollParent = (el) => {
    for (let n = up(el); n; n = up(n)) {
      if (n === document.body || n === document.documentElement) return null;
      if (scrollableY(n)) return n;
    }
    return null;
  };
  const hitAt = (x, y) => {
    let h = document.elementFromPoint(x, y);
    for (let i = 0; h && h.shadowRoot && i < 32; i++) {
      const inner = h.shadowRoot.elementFromPoint(x, y);
      if (!inner || inner === h) break;
      h = inner;
    }
    return h;
  };
  const grid = (x0, y0, w, h) => {
    const pts = [];
    for (const fy of [0.5, 0.25, 0.75, 0.1, 0.9]) for (const fx of [0.5, 0.25, 0.75, 0.1, 0.9]) pts.push([x0 + w * fx, y0 + h * fy]);
    return pts;
  };
  // A point whose wheel reaches box (null: the page) first.
  const pointFor = (box) => {
    let x0 = 0, y0 = 0, w = innerWidth, h = innerHeight;
    if (box) {
      let r = box.getBoundingClientRect();
      if (r.bottom <= 0 || r.top >= innerHeight || r.right <= 0 || r.left >= innerWidth) {
        box.scrollIntoView({ block: 'nearest', inline: 'nearest', behavior: 'instant' });
        r = box.getBoundingClientRect();
      }
      x0 = Math.max(r.left, 0); y0 = Math.max(r.top, 0);
      w = Math.min(r.right, innerWidth) - x0; h = Math.min(r.bottom, innerHeight) - y0;
    }
    const pts = grid(x0, y0, w, h);
    for (const [x, y] of pts) {
      const hit = hitAt(x, y);
      if (!hit) continue;
      if (box ? (box.contains(hit) && scrollParentOrSelf(hit, box) === box) : scrollParent(hit) === null && !scrollableY(hit)) return { x, y };
    }
    return { x: pts[0][0], y: pts[0][1] };
  };
  // The first vertical scroller from hit up to box.
  const scrollParentOrSelf = (hit, box) => {
    for (let n = hit; n; n = up(n)) {
      if (n === box) return box;
      if (scrollableY(n)) return n;
    }
    return null;
  };
  const metrics = (box) => {
    const e = box || document.scrollingElement || document.documentElement;
    const client = box ? e.clientHeight : innerHeight;
    const pos = e.scrollTop, rest = e.scrollHeight - pos - client;
    return { pos, end: rest <= 1, dy: Math.max(100, Math.min(Math.max(rest, 0), client * 3)) };
  };
  // Whether the browser will scroll something for wheel event e: an element on its path that
  // scrolls on the wheel's axis and is not at its end that way (a box whose overscroll-behavior
  // keeps the wheel in ends the search), else the page itself.
  const scrollsNatively = (e) => {
    const axes = [];
    if (e.deltaY) axes.push({ d: Math.sign(e.deltaY), ov: 'overflowY', ob: 'overscrollBehaviorY', pos: 'scrollTop', size: 'scrollHeight', client: 'clientHeight' });
    if (e.deltaX) axes.push({ d: Math.sign(e.deltaX), ov: 'overflowX', ob: 'overscrollBehaviorX', pos: 'scrollLeft', size: 'scrollWidth', client: 'clientWidth' });
    const root = document.scrollingElement || document.documentElement;
    const room = (el, a) => (a.d > 0 ? el[a.pos] + el[a.client] < el[a.size] - 1 : el[a.pos] > 0);
    for (const a of axes) {
      let contained = false;
      for (const n of (e.composedPath ? e.composedPath() : [])) {
        if (!n || n.nodeType !== 1 || n === root || n === document.body || n === document.documentElement) continue;
        const st = getComputedStyle(n);
        if (!/(auto|scroll|overlay)/.test(st[a.ov]) || n[a.size] <= n[a.client] + 1) continue;
        if (room(n, a)) return true;
        if (st[a.ob] !== 'auto') { contained = true; break; }
      }
      if (contained) continue;
      const shut = (el) => el && /(hidden|clip)/.test(getComputedStyle(el)[a.ov]);
      if (!shut(document.documentElement) && !shut(document.body) && room(root, a)) return true;
    }
    return false;
  };
  const count = () => query(o.sel, document);
  const answer = (list, extra) => {
    const box = scrollParent(list[list.length - 1]);
    return Object.assign({ ok: true, count: list.length }, metrics(box), pointFor(box), extra || {});
  };

  if (o.op === 'page') return Object.assign({ ok: true }, pointFor(null));
  if (o.op === 'arm') {
    const prev = window.__smartretryScroll;
    if (prev) prev.cleanup();
    // resp: the page's responsive clock (settle advances it); lastR: its value at the last scroll.
    const rec = window.__smartretryScroll = { n: 0, last: 0, resp: 0, lastR: 0, wheel: null };
    const on = () => { rec.n++; rec.last = now(); rec.lastR = rec.resp; };
    const onWheel = (e) => { if (!rec.wheel) rec.wheel = { e, r: rec.resp, native: scrollsNatively(e) }; };
    window.addEventListener('scroll', on, true);
    window.addEventListener('wheel', onWheel, { capture: true, passive: true });
    rec.cleanup = () => {
      window.removeEventListener('scroll', on, true);
      window.removeEventListener('wheel', onWheel, { capture: true, passive: true });
    };
    return { ok: true };
  }
  if (o.op === 'settle') {
    // After a wheel: once it scrolled, until no scroll event came for 100ms (a smooth scroll
    // has ended). Before any scroll: when the wheel reached something that can scroll its way and
    // the page let the browser do it, the scroll is coming (late on a loaded machine): wait for
    // it; otherwise (nothing to scroll there, or the page scrolls by itself) o.idle ms without a
    // scroll mean none is coming. All on the responsive clock; o.max bounds the whole.
    const rec = window.__smartretryScroll || { n: 0, last: 0, resp: 0, lastR: 0, wheel: null, cleanup: () => {} };
    let prevT = t0;
    const idleFrom = rec.resp;
    return new Promise((resolve) => {
      const tick = () => {
        const t = now();
        rec.resp += Math.min(t - prevT, 50);
        prevT = t;
        const w = rec.wheel;
        const coming = w && w.native && !w.e.defaultPrevented;
        const quiet = rec.n > 0 && rec.resp - rec.lastR >= 100;
        const none = rec.n === 0 && !coming && rec.resp - (w ? w.r : idleFrom) >= o.idle;
        if (quiet || none || t - t0 >= o.max) {
          rec.cleanup();
          if (window.__smartretryScroll === rec) window.__smartretryScroll = null;
          return resolve({ ok: true, count: rec.n });
        }
        setTimeout(tick, 20);
      };
      tick();
    });
  }

  let list;
  try { list = count(); } catch (e) { return { ok: false, reason: 'invalid', detail: String(e && e.message || e) }; }
  let resolveFn, done = false, mo = null, timer = 0, poll = 0;
  const result = new Promise((r) => { resolveFn = r; });
  const finish = (r) => {
    if (done) return;
    done = true;
    if (mo) mo.disconnect();
    clearTimeout(timer);
    clearInterval(poll);
    r.ms = Math.round(now() - t0);
    resolveFn(r);
  };
  if (o.op === 'list') {
    if (list.length) return answer(list);
    const tick = () => {
      let l = [];
      try { l = count(); } catch (e) { return; }
      if (l.length) finish(answer(l));
    };
    mo = new MutationObserver(tick);
    mo.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
    poll = setInterval(tick, 50);
    timer = setTimeout(() => finish({ ok: false, reason: 'not_found', count: 0 }), Math.max(0, o.timeout));
    return result;
  }

  // op "more"
  let lastChange = t0;
  const tick = () => {
    if (done) return;
    let l = [];
    try { l = count(); } catch (e) { l = []; }
    const t = now();
    if (l.length > o.before && t - lastChange >= o.quiet) return finish(answer(l, { grew: true }));
    if (l.length <= o.before && t - lastChange >= o.idle) return finish(l.length ? answer(l, { grew: false }) : { ok: true, count: 0, grew: false, end: true });
    if (t - t0 >= o.max) return finish(l.length ? answer(l, { grew: l.length > o.before, busy: true }) : { ok: true, count: 0, grew: false, end: true });
  };
  mo = new MutationObserver(() => { lastChange = now(); });
  mo.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
  poll = setInterval(tick, 25);
  return result;
}
