// The actionability wait, done by the page itself. smartretry evaluates this once per attempt with
// Runtime.evaluate(awaitPromise): it resolves the moment the element is ready, or with the reason it
// is not, before the attempt's deadline. No polling from Go, no element handle kept anywhere.
//
// o = {sel, nth, strict, state, timeout, coverMs, token, op, value, clear, values, name, fields}
//   state: "attached" | "visible" | "enabled" | "actionable" (visible + enabled + stable + receives the pointer)
//          | "editable" (actionable + not read-only)
// Resolves with {ok:true, x, y, count, ...} or {ok:false, reason, detail, count}.
async (o) => {
  const query = /*QUERY*/null;
  const now = () => performance.now();
  const t0 = now();
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
  // The first wanted value a <select> has no option for (by value, else label or text), with
  // the options it has; undefined when it has them all.
  const findOption = (opts, w) => opts.find((x) => x.value === w) || opts.find((x) => x.label.trim() === w || x.text.trim() === w);
  const missingOption = (el) => {
    const opts = Array.from(el.options);
    for (const w of o.values || []) {
      if (findOption(opts, w)) continue;
      const have = opts.slice(0, 10).map((x) => JSON.stringify(x.value === x.text.trim() ? x.value : x.value + '/' + x.text.trim()));
      return 'no option with value or label ' + JSON.stringify(w) + ' in ' + desc(el) +
        ' (' + (opts.length ? opts.length + ' options: ' + have.join(', ') + (opts.length > 10 ? ', …' : '') : 'no options') + ')';
    }
    return undefined;
  };
  // Is e there for screen readers only (Bootstrap's .sr-only, .visually-hidden): a box of at
  // most 1px, or clipped away?
  const srOnly = (e) => {
    const r = e.getBoundingClientRect();
    if (r.width <= 1 && r.height <= 1) return true;
    const st = winOf(e).getComputedStyle(e);
    return st.position === 'absolute' && (/rect\(0(px)?,? 0(px)?,? 0(px)?,? 0(px)?\)/.test(st.clip) || st.clipPath === 'inset(50%)');
  };
  // What a selector matching several elements matched: the first few, with their text.
  const several = (list) => list.slice(0, 4).map((e) => {
    const t = String(e.innerText !== undefined ? e.innerText : e.textContent || '').replace(/\s+/g, ' ').trim();
    return desc(e) + (t ? ' ' + JSON.stringify(t.length > 40 ? t.slice(0, 39) + '…' : t) : '');
  }).join(', ') + (list.length > 4 ? ', …' : '');
  // What Fill types into for the element el: itself when it takes text (a field, a
  // contenteditable, a <select> Fill refuses later), the control of a <label>, or the one
  // visible text field el holds. Several: refused at once; none yet: waited for (an editor
  // that builds its field late), then refused naming el.
  const TEXT_FIELDS = 'input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=button]):not([type=submit]):not([type=reset]):not([type=file]):not([type=image]),textarea,[contenteditable]:not([contenteditable=false])';
  const fieldOf = (el) => {
    const tag = el.localName;
    if (tag === 'input' || tag === 'textarea' || tag === 'select' || el.isContentEditable ||
      (tag.includes('-') && 'value' in el)) return { el }; // a custom element with a value: a field of its own
    if (tag === 'label' && el.control) return { el: el.control };
    const inner = Array.from(el.querySelectorAll(TEXT_FIELDS)).filter(visible);
    if (inner.length === 1) return { el: inner[0] };
    if (inner.length > 1) return { fatal: { ok: false, reason: 'unusable', detail: desc(el) + ' holds ' + inner.length + ' fields (' + inner.slice(0, 4).map(desc).join(', ') + '): name one' } };
    return { wait: 'unusable', detail: desc(el) + ' is not a field (input, textarea, contenteditable) and holds none' };
  };
  // The element the user's selector means, or why there is none yet.
  const pick = () => {
    let list;
    try {
      list = query(o.sel, document);
    } catch (e) {
      return { fatal: { ok: false, reason: 'invalid', detail: String(e && e.message || e) } };
    }
    const n = list.length;
    if (n === 0) return { wait: 'not_found', count: 0 };
    if (o.strict && n > 1) {
      // text=Click Me beside "Double Click Me": the one match that is the whole text; of
      // several, the one a sighted person sees (not a screen-reader-only "Close" beside the
      // visible Close button).
      if (list.whole && list.whole.length === 1) return { el: list.whole[0], count: n };
      const seen = (list.whole && list.whole.length ? list.whole : list).filter((e) => !srOnly(e));
      if (seen.length === 1) return { el: seen[0], count: n };
      // None seen (a logged-in navbar hides its Sign up link; the modal's title and button are
      // hidden too): say so, or "make it more specific" sends the user after the wrong thing.
      const none = seen.length === 0 && list.every((e) => !visible(e)) ? '; none of them is visible' : '';
      return { fatal: { ok: false, reason: 'multiple', count: n, detail: several(list) + none } };
    }
    const i = o.nth < 0 ? n + o.nth : o.nth;
    if (i < 0 || i >= n) return { wait: 'not_found', count: n };
    return { el: list[i], count: n };
  };
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
  const readonly = (el) => el.readOnly === true ||
    (!('value' in el) && !el.isContentEditable) ||
    (el.getAttribute && el.getAttribute('aria-readonly') === 'true');
  const winOf = (el) => (el.ownerDocument && el.ownerDocument.defaultView) || window;
  // Where el's frame (a same-origin iframe reached with ">>>") sits in the top viewport.
  const frameOffset = (el) => {
    let x = 0, y = 0;
    for (let w = winOf(el); w && w !== window && w.frameElement; w = w.parent) {
      const f = w.frameElement, r = f.getBoundingClientRect(), cs = w.parent.getComputedStyle(f);
      x += r.left + f.clientLeft + (parseFloat(cs.paddingLeft) || 0);
      y += r.top + f.clientTop + (parseFloat(cs.paddingTop) || 0);
    }
    return { x, y };
  };
  const rectOf = (el) => {
    const r = el.getBoundingClientRect(), off = frameOffset(el);
    return { x: r.left + off.x, y: r.top + off.y, w: r.width, h: r.height };
  };
  const same = (a, b) => a && b && Math.abs(a.x - b.x) < 0.5 && Math.abs(a.y - b.y) < 0.5 &&
    Math.abs(a.w - b.w) < 0.5 && Math.abs(a.h - b.h) < 0.5;
  const inView = (r) => r.y >= 0 && r.x >= 0 && r.y + r.h <= innerHeight && r.x + r.w <= innerWidth;
  const inOwnView = (el) => {
    const w = winOf(el);
    if (w === window) return true;
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.left >= 0 && r.bottom <= w.innerHeight && r.right <= w.innerWidth;
  };
  // Ancestry across shadow roots and same-origin frames.
  const up = (n) => n.parentNode || n.host || (n.nodeType === 9 && n.defaultView && n.defaultView !== window ? n.defaultView.frameElement : null);
  const contains = (el, node) => {
    for (let n = node; n; n = up(n)) if (n === el) return true;
    return false;
  };
  // Does the pointer on node reach el: node is inside el, or inside a <label> of el (Bootstrap's
  // custom checkbox: the transparent input lies under its label, and a click on the label is a
  // click on the input)?
  const owns = (el, node) => {
    if (contains(el, node)) return true;
    // Text inside a button or link (text= gives the innermost match: the screen-reader "Close"
    // of a × button): a press anywhere on the button is a press on it.
    const ctl = el.parentElement && el.parentElement.closest('button,a[href],[role=button],[role=link]');
    if (ctl && contains(ctl, node)) return true;
    if (!el.labels || !el.labels.length) return false;
    for (const l of el.labels) if (contains(l, node)) return true;
    return false;
  };
  // The element under the top-viewport point, through open shadow roots and same-origin frames.
  const deepHit = (x, y) => {
    let hit = document.elementFromPoint(x, y), ox = 0, oy = 0;
    for (let i = 0; hit && i < 32; i++) {
      let inner = null;
      if (hit.shadowRoot) {
        inner = hit.shadowRoot.elementFromPoint(x - ox, y - oy);
      } else if (hit.localName === 'iframe' || hit.localName === 'frame') {
        let d = null;
        try { d = hit.contentDocument; } catch (e) { d = null; }
        if (d) {
          const r = hit.getBoundingClientRect(), cs = winOf(hit).getComputedStyle(hit);
          ox += r.left + hit.clientLeft + (parseFloat(cs.paddingLeft) || 0);
          oy += r.top + hit.clientTop + (parseFloat(cs.paddingTop) || 0);
          inner = d.elementFromPoint(x - ox, y - oy);
        }
      }
      if (!inner || inner === hit) break;
      hit = inner;
    }
    return hit;
  };
  // Is the pointer at the element's centre going to land on it? Returns {x, y, centre} (centre:
  // the element's own centre point is free) or {cover, coverDesc}.
  const hitTest = (el, r) => {
    const pts = [[r.x + r.w / 2, r.y + r.h / 2]];
    const vx = Math.max(r.x, 0), vy = Math.max(r.y, 0);
    const vw = Math.min(r.x + r.w, innerWidth) - vx, vh = Math.min(r.y + r.h, innerHeight) - vy;
    pts.push([vx + vw / 2, vy + vh / 2]);
    const off = frameOffset(el);
    for (const cr of el.getClientRects()) if (cr.width > 0 && cr.height > 0) pts.push([cr.left + off.x + cr.width / 2, cr.top + off.y + cr.height / 2]);
    // A partly covered element (a sticky header over its top, a panel over its bottom) is still
    // reached where it shows: try the middles of its visible quarters too.
    if (vw > 0 && vh > 0) {
      for (const [fx, fy] of [[0.5, 0.2], [0.5, 0.8], [0.2, 0.5], [0.8, 0.5]]) pts.push([vx + vw * fx, vy + vh * fy]);
    }
    let first = null;
    for (let i = 0; i < pts.length; i++) {
      const [x, y] = pts[i];
      const inside = x >= 0 && y >= 0 && x < innerWidth && y < innerHeight;
      const hit = inside ? deepHit(x, y) : null;
      if (hit && owns(el, hit)) return { x, y, centre: i === 0 };
      if (!first) first = hit;
    }
    if (!first) return { cover: null, coverDesc: 'nothing (outside the viewport)' };
    if (contains(first, el)) return { cover: first, coverDesc: desc(el) + ' (pointer-events: none?)' };
    // The outermost ancestor of the hit that does not contain the element: "div#overlay", not its child.
    let c = first;
    while (c.parentElement && !contains(c.parentElement, el)) c = c.parentElement;
    return { cover: c, coverDesc: desc(c) };
  };

  // Is cover part of the field el's own widget: inside the smallest ancestor they share, which
  // holds nothing else one could use (no other field, button or link) and is not much taller
  // than the field? A panel, a banner or a dialog over the field is not.
  const INTERACTIVE = 'input:not([type=hidden]),select,textarea,button,a[href],[tabindex]:not([tabindex="-1"]),[contenteditable]:not([contenteditable=false]),' +
    '[role=button],[role=link],[role=checkbox],[role=radio],[role=option],[role=menuitem],[role=tab],[role=switch]';
  const fieldPart = (el, cov) => {
    if (!cov || cov.nodeType !== 1 || contains(cov, el)) return false;
    let a = el.parentElement;
    while (a && !a.contains(cov)) a = a.parentElement;
    if (!a || a === document.body || a === document.documentElement) return false;
    if (a.getBoundingClientRect().height > Math.max(3 * el.getBoundingClientRect().height, 80)) return false;
    if (cov.matches(INTERACTIVE) || cov.querySelector(INTERACTIVE)) return false;
    for (const x of a.querySelectorAll(INTERACTIVE)) if (x !== el) return false;
    return true;
  };
  // Elements Enter activates as a click does.
  const keyable = (el) => {
    const tag = el.localName, type = (el.getAttribute('type') || '').toLowerCase();
    return tag === 'button' || (tag === 'a' && el.hasAttribute('href')) ||
      (tag === 'input' && ['submit', 'button', 'reset', 'image'].includes(type));
  };
  // Is cov (or an ancestor) fixed or sticky, at an edge of the viewport, and clear of its centre?
  const band = (cov) => {
    if (!cov || cov.nodeType !== 1) return false;
    let pinned = false;
    for (let n = cov; n && n.nodeType === 1; n = n.parentElement) {
      const pos = getComputedStyle(n).position;
      if (pos === 'fixed' || pos === 'sticky') { pinned = true; break; }
    }
    if (!pinned) return false;
    const r = cov.getBoundingClientRect();
    const cx = innerWidth / 2, cy = innerHeight / 2;
    if (r.left <= cx && r.right >= cx && r.top <= cy && r.bottom >= cy) return false;
    return r.top <= 0 || r.bottom >= innerHeight - 1 || r.left <= 0 || r.right >= innerWidth - 1;
  };
  // The rendered element whose :hover shows el, by the page's style rules ('li:hover .destroy
  // { display: block }'; sheets of another origin cannot be read): the nearest ancestor (or an
  // earlier sibling of one, for 'a:hover + .menu') that the hovered part of such a rule matches,
  // where the rule's subject is el or a hidden ancestor of it. null when no rule says so.
  let hoverRules = null;
  const hoverCache = new WeakMap();
  const readHoverRules = /*HOVERRULES*/null;
  const collectHoverRules = () => readHoverRules(500);
  const hoverHost = (el) => {
    if (hoverCache.has(el)) return hoverCache.get(el);
    if (hoverRules === null) hoverRules = collectHoverRules();
    let found = null;
    const matches = (x, sel) => { try { return x.matches(sel); } catch (e) { return false; } };
    for (const r of hoverRules) {
      for (let e = el; e && e.nodeType === 1 && !found; e = e.parentElement) {
        if (!matches(e, r.subject) || visible(e)) continue;
        for (let a = e.parentElement; a && a.nodeType === 1 && !found; a = a.parentElement) {
          if (matches(a, r.host) && visible(a)) { found = a; break; }
          for (let b = a.previousElementSibling; b && !found; b = b.previousElementSibling) {
            if (matches(b, r.host) && visible(b)) found = b;
          }
        }
        for (let b = e.previousElementSibling; b && !found; b = b.previousElementSibling) {
          if (matches(b, r.host) && visible(b)) found = b;
        }
      }
      if (found) break;
    }
    hoverCache.set(el, found);
    return found;
  };
  // Where the pointer hovers host: a point of it that receives the pointer (brought into view).
  const hoverPoint = (host) => {
    let r = rectOf(host);
    if (!inView(r)) { host.scrollIntoView({ block: 'center', inline: 'nearest', behavior: 'instant' }); r = rectOf(host); }
    const h = hitTest(host, r);
    return h.x === undefined ? null : { x: h.x, y: h.y };
  };
  const need = o.state;
  const act = need === 'actionable' || need === 'editable';
  let last = { reason: 'not_found', count: 0, detail: '' };
  let done = false, resolveFn, prev = null, prevEl = null, frameQueued = false;
  // What this wait saw last, readable by a later evaluation (late.go's lateAnswerRead): on a loaded
  // machine the answer can miss the attempt's deadline, and the reason must not go with it.
  const record = { token: o.token, t0, result: null, get last() { return last; } };
  globalThis[Symbol.for('smartretry.wait.seen')] = record;
  let cover, coverSince = 0, scrolls = 0, scrolledEl = null, partial, restored = false;
  // Where scrollIntoView may put the element, in the order tried.
  const aligns = [
    { block: 'center', inline: 'center' }, { block: 'start', inline: 'nearest' }, { block: 'end', inline: 'nearest' },
    { block: 'nearest', inline: 'start' }, { block: 'nearest', inline: 'end' },
  ];
  const result = new Promise((r) => { resolveFn = r; });
  let mo = null, timer = 0, poll = 0;
  const finish = (r) => {
    if (done) return;
    done = true;
    if (mo) mo.disconnect();
    clearTimeout(timer);
    clearInterval(poll);
    r.ms = Math.round(now() - t0);
    record.result = r;
    resolveFn(r);
  };
  // Everything but stability and the hit test: cheap, run on every DOM change.
  const check = () => {
    const p = pick();
    if (p.fatal) return p;
    if (p.wait) return { wait: p.wait, count: p.count };
    let el = p.el;
    if (o.op === 'fill') {
      // Fill names a field, its <label>, or something that holds one (react-select's container).
      const f = fieldOf(el);
      if (f.fatal) return f;
      if (f.wait) return { wait: f.wait, detail: f.detail, count: p.count };
      el = f.el;
    }
    // A <select> whose options load later (a fetch fills it): wait for the wanted ones.
    if (o.op === 'select' && el.tagName === 'SELECT') {
      const miss = missingOption(el);
      if (miss !== undefined) return { wait: 'no_option', detail: miss, count: p.count };
    }
    if (need === 'attached') return { el, count: p.count };
    if (!visible(el)) {
      // Shown only while an ancestor is hovered (TodoMVC's × in 'li:hover .destroy'): a person
      // moves the pointer over the row first. Go does that and asks again (o.hovered).
      const hv = (o.op === 'click' || o.op === 'hover') && act ? hoverHost(el) : null;
      if (!hv) return { wait: 'hidden', count: p.count };
      const at = o.hovered ? null : hoverPoint(hv);
      if (at) return { fatal: { ok: false, reason: 'hover', x: at.x, y: at.y, detail: desc(hv), count: p.count } };
      return { wait: 'hidden', detail: 'shown on hover of ' + desc(hv) + (o.hovered ? ', which was hovered' : ', which the pointer cannot reach'), count: p.count };
    }
    if (need === 'visible') return { el, count: p.count };
    if (disabled(el)) return { wait: 'disabled', count: p.count };
    if (need === 'enabled') return { el, count: p.count };
    if (need === 'editable' && readonly(el)) return { wait: 'readonly', count: p.count };
    let r = rectOf(el);
    if (!inView(r) || !inOwnView(el)) {
      el.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
      r = rectOf(el);
    }
    return { el, rect: r, count: p.count };
  };
  const nextFrame = (cb) => {
    let fired = false;
    const run = (real) => { if (!fired) { fired = true; cb(real); } };
    requestAnimationFrame(() => run(true));
    setTimeout(() => run(false), 40); // rAF is late or absent in a hidden or starved tab
  };
  const geometry = /^(transform|translate|scale|rotate|left|top|right|bottom|inset|margin|width|height|offset)/;
  // Is a finite animation moving the element or one of its ancestors (a CSS transition, a slide)?
  const moving = (el) => {
    const doc = el.ownerDocument || document;
    if (!doc.getAnimations) return false;
    return doc.getAnimations().some((an) => {
      const t = an.playState === 'running' && an.effect && an.effect.target;
      if (!t || t.nodeType !== 1 || !contains(t, el)) return false;
      if (an.effect.getComputedTiming().endTime === Infinity) return false;
      const kf = an.effect.getKeyframes ? an.effect.getKeyframes() : [];
      return kf.some((k) => Object.keys(k).some((prop) => geometry.test(prop)));
    });
  };
  let stalls = 0, stillFrames = 0, prevPose = '';
  // The animations (finite or not) running on the element or an ancestor.
  const animationsOn = (el) => {
    const doc = el.ownerDocument || document;
    if (!doc.getAnimations) return [];
    return doc.getAnimations().filter((an) => {
      const t = an.playState === 'running' && an.effect && an.effect.target;
      return !!(t && t.nodeType === 1 && contains(t, el));
    });
  };
  // Where those animations hold the element now: the computed transforms of their targets, and
  // whether one has yet to start. A box alone is not enough: a spin shows the same box at 0° and
  // 180°, and an animation waiting for the compositor to start it holds its first frame for as
  // many frames as a loaded machine takes (the box stands still, then the element spins).
  const poseOf = (anims) => {
    let pose = '';
    for (const an of anims) {
      if (an.pending) return null;
      const t = an.effect.target, cs = (t.ownerDocument.defaultView || window).getComputedStyle(t);
      pose += cs.transform + '|' + cs.rotate + '|' + cs.scale + '|' + cs.translate + ';';
    }
    return pose;
  };
  const ready = (el, count, extra) => finish(Object.assign({ ok: true, count, tag: el.tagName.toLowerCase() }, prepare(el), extra || {}));
  const onFrame = (real) => {
    frameQueued = false;
    if (done) return;
    const c = check();
    if (c.fatal) return finish(c.fatal);
    if (c.wait) { last = { reason: c.wait, count: c.count, detail: c.detail }; prev = null; cover = undefined; return; }
    // Stable means the same box over a frame the page really rendered, with no finite animation
    // still running on it: a starved tab that renders no frame must not pass a moving target as
    // still. (Endless animations, a pulsing button, do not block; a tab that renders nothing
    // for 5 fallbacks in a row is taken as it is.)
    // An element an animation runs on (an endless spin too) must hold still over two rendered
    // frames: a rotating box can show the same bounding box twice in a row.
    const anims = animationsOn(c.el), pose = poseOf(anims);
    const still = c.el === prevEl && same(c.rect, prev) && pose !== null && pose === prevPose;
    stillFrames = still && real ? stillFrames + 1 : (still ? stillFrames : 0);
    const waitFrame = !real && stalls < 5;
    if (!still || waitFrame || moving(c.el) || (stillFrames < 2 && anims.length > 0)) {
      stalls = real ? 0 : stalls + 1;
      prevEl = c.el; prev = c.rect; prevPose = pose; last = { reason: 'unstable', count: c.count };
      cover = undefined; // a cover only counts while the target stands still under it
      frameQueued = true; nextFrame(onFrame); return;
    }
    const h = hitTest(c.el, c.rect);
    if (h.centre) return ready(c.el, c.count, { x: h.x, y: h.y });
    // The centre is covered where the element stands (a sticky header, a panel over the bottom
    // of a scroll box, a sibling laid over it): pages check their inputs there, and a pointer
    // aims there. Scroll the element's scrollable ancestors and the page through the alignments
    // until the centre is free; only then count the cover.
    if (scrolledEl !== c.el) { scrolledEl = c.el; scrolls = 0; partial = undefined; restored = false; }
    if (h.x !== undefined && partial === undefined) partial = Math.max(scrolls - 1, 0);
    if (scrolls < aligns.length) {
      c.el.scrollIntoView(Object.assign({ behavior: 'instant' }, aligns[scrolls++]));
      prev = null; cover = undefined;
      frameQueued = true; nextFrame(onFrame); return;
    }
    // No alignment frees the centre, but the element shows elsewhere: use the free point (a
    // pointer lands there; keys go to the focused element anyway). Back to the alignment that
    // showed it, if the last one hides it.
    if (h.x !== undefined) return ready(c.el, c.count, { x: h.x, y: h.y });
    if (partial !== undefined && !restored) {
      restored = true;
      c.el.scrollIntoView(Object.assign({ behavior: 'instant' }, aligns[partial]));
      prev = null; cover = undefined;
      frameQueued = true; nextFrame(onFrame); return;
    }
    // A field's own placeholder or floating label laid over it (react-select's 2px input under
    // "Select..."): keys go to the focused field, and a person types there all the same.
    if (o.op === 'fill' && fieldPart(c.el, h.cover)) return ready(c.el, c.count, { x: c.rect.x + c.rect.w / 2, y: c.rect.y + c.rect.h / 2 });
    if (h.cover !== cover) { cover = h.cover; coverSince = now(); }
    last = { reason: 'covered', detail: h.coverDesc, count: c.count };
    if (now() - coverSince >= o.coverMs) {
      // A fixed band at the viewport's edge (a footer, an advertisement) over a button the page
      // cannot scroll out from under it (the end of the page): a person who cannot reach it with
      // the pointer tabs to it and presses Enter. A dialog over the middle of the page is not
      // such a band: that one is closed first.
      if (o.keys && keyable(c.el) && band(h.cover)) {
        c.el.focus({ preventScroll: true });
        if (document.activeElement === c.el || (c.el.getRootNode && c.el.getRootNode().activeElement === c.el)) {
          return ready(c.el, c.count, { keyboard: true, detail: h.coverDesc });
        }
      }
      // A loading veil (a spinner, "Please wait…" over the page while a fetch runs) goes away
      // by itself: waited for until the attempt's end, as any element that is not ready yet.
      // Any other cover (a dialog, a banner, a panel laid over the element) is refused now:
      // the flow closes it or names another element.
      if (!veil(h.cover, c.el)) return finish({ ok: false, reason: 'covered', detail: h.coverDesc, count: c.count, final: true });
    }
    frameQueued = true; nextFrame(onFrame);
  };
  // Is the cover a loading veil: no control a person could use on it (a button, a link, a close
  // ×), and a sign of loading (a spinner's endless animation, role=progressbar, aria-busy, a
  // loader's class, "Loading…" or "Please wait")? The cover is taken with its ancestors up to
  // the last one that does not hold the target (the overlay's root). A fixed band at the
  // viewport's edge is never one.
  const loadingWords = /\b(loading|please wait|processing|one moment|saving|submitting|chargement|cargando|carregando|wird geladen|caricamento)\b/i;
  const loaderName = /spinner|loader|loading|preloader|progress|busy|blockui|throbber/i;
  const veil = (cov, target) => {
    if (!cov || cov.nodeType !== 1 || cov.contains(target) || band(cov)) return false;
    let root = cov;
    while (root.parentElement && !root.parentElement.contains(target)) root = root.parentElement;
    const els = [root, ...root.querySelectorAll('*')].slice(0, 300);
    let loading = false;
    for (const el of els) {
      if (el.getClientRects().length === 0) continue;
      if (el.matches('button, a[href], input:not([type=hidden]), select, textarea, [role=button], [role=link], [role=checkbox], [onclick], dialog, [role=dialog], [role=alertdialog], [aria-modal=true]')) return false;
      const name = (typeof el.className === 'string' ? el.className : '') + ' ' + el.id;
      if (/(^|[\s_-])(close|dismiss)/i.test(name) || /close|dismiss/i.test(el.getAttribute('aria-label') || '')) return false;
      if (!el.firstElementChild && /^\s*(×|✕|✖|x|close|ok|okay|got it|dismiss|no,? thanks|accept|continue|skip|cancel)\s*$/i.test(el.textContent || '')) return false;
      if (el.matches('[role=progressbar], [aria-busy=true], progress') || loaderName.test(name)) loading = true;
    }
    if (!loading && loadingWords.test(root.innerText || '')) loading = true;
    if (!loading && document.getAnimations) {
      loading = document.getAnimations().some((an) => an.playState === 'running' && an.effect && an.effect.target &&
        an.effect.target.nodeType === 1 && root.contains(an.effect.target) && an.effect.getComputedTiming().endTime === Infinity);
    }
    return loading;
  };
  let first = true;
  const animating = () => {
    if (!document.getAnimations) return true;
    return document.getAnimations().some((an) => an.playState === 'running');
  };
  // Has the parser gone past el (or finished the document)? A document still loading has el,
  // but perhaps not yet its text: the parser yields between two tokens on a busy machine, or the
  // server's next chunk is still on its way ('<h1 id="t">' now, 'done</h1>' later), and a read
  // then gave "". A node after el or after one of its ancestors says el is complete. A body that
  // stalls for parsedWaitMs is read as it is, as is one still loading when the attempt ends.
  const parsedWaitMs = 2000;
  const parsed = (el) => {
    const doc = el.ownerDocument;
    if (!doc || doc.readyState !== 'loading' || now() - t0 > parsedWaitMs) return true;
    let n = el;
    for (; n && n.nodeType === 1; n = n.parentNode) if (n.nextSibling) return true;
    return !!n && n.nodeType === 11; // in a shadow root: made by script, not by the parser
  };
  // The last element the extract's container selector matches (the one the parser may be in).
  const lastOf = (el) => {
    try { const l = query(o.sel, document); return l.length ? l[l.length - 1] : el; } catch (e) { return el; }
  };
  const tick = () => {
    if (done || frameQueued) return;
    const isFirst = first;
    first = false;
    const c = check();
    if (c.fatal) return finish(c.fatal);
    if (c.wait) { last = { reason: c.wait, count: c.count, detail: c.detail }; return; }
    if (!act) {
      // A page that renders its content after the containers (skeleton cards, data fetched
      // after load) would give records of empty fields: wait until some field has a value.
      // Until the page has been still for a while: a field that is empty on this page (a
      // discount most products lack) must not cost every item its whole attempt.
      if (o.op === 'extract' && now() - changedAt < extractQuietMs && !extractFilled()) { last = { reason: 'empty', count: c.count }; return; }
      if (!parsed(o.op === 'extract' ? lastOf(c.el) : c.el)) { last = { reason: 'parsing', count: c.count }; return; }
      return ready(c.el, c.count);
    }
    // Already there when we looked, and nothing animates: stable without waiting for a frame.
    // (Script-driven motion is caught by the press-time check.)
    if (isFirst && !animating() && !moving(c.el)) {
      const h = hitTest(c.el, c.rect);
      if (h.centre) return ready(c.el, c.count, { x: h.x, y: h.y });
    }
    prevEl = c.el; prev = c.rect; prevPose = poseOf(animationsOn(c.el));
    frameQueued = true; nextFrame(onFrame);
  };
  // Scrolls el (its scrollable ancestors and the page) through the alignments until its centre
  // is the hit target; when none frees it, back to the first alignment that showed any of it.
  const freeCentre = (el) => {
    let h = hitTest(el, rectOf(el)), partial;
    if (h.centre) return true;
    for (let i = 0; i < aligns.length; i++) {
      el.scrollIntoView(Object.assign({ behavior: 'instant' }, aligns[i]));
      h = hitTest(el, rectOf(el));
      if (h.centre) return true;
      if (h.x !== undefined && partial === undefined) partial = i;
    }
    el.scrollIntoView(Object.assign({ behavior: 'instant' }, aligns[partial || 0]));
    return false;
  };
  // What the action needs from the ready element, done in the same turn so nothing moves between.
  const prepare = (el) => {
    const out = {};
    const tag = el.tagName.toLowerCase();
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (o.op === 'click' || o.op === 'press') {
      // What the input did, read back by the next evaluation: the press target, the click's and
      // the form submission's default prevented or not (a navigation follows when not).
      const a = o.op === 'click' ? el.closest('a[href]') : null;
      const win = winOf(el); // the element's frame gets the events
      const href = a ? a.getAttribute('href') : '';
      const link = !!(a && href && !href.startsWith('#') && !/^javascript:/i.test(href) && a.target !== '_blank' && win === window);
      const st = window.__smartretry = { token: o.token, hit: null, bad: '', link, clicked: false, clickSeen: false, prevented: false, submitted: false, submitPrevented: false };
      // The element the selector names at press time: a framework may have re-rendered it.
      const current = (t) => {
        if (owns(el, t)) return true;
        const p = pick();
        return !!(p.el && owns(p.el, t));
      };
      // Check at press time that the pointer lands on the element; block the press if not.
      const guard = (e) => {
        if (window.__smartretry !== st) return;
        const target = (e.composedPath && e.composedPath()[0]) || e.target; // inside shadow roots too
        if (e.type === 'click') st.clickSeen = true;
        if (st.hit === true || (st.hit === null && current(target))) { if (e.type === 'mousedown') st.hit = true; return; }
        if (e.type === 'mousedown') { st.hit = false; st.bad = desc(target); }
        if (st.hit === false) { e.stopImmediatePropagation(); e.preventDefault(); }
      };
      const after = (e) => {
        if (window.__smartretry !== st) return;
        if (e.type === 'click') { st.clicked = true; st.prevented = e.defaultPrevented; }
        if (e.type === 'submit') { st.submitted = true; st.submitPrevented = e.defaultPrevented; }
      };
      const guarded = o.op === 'click' ? ['mousedown', 'mouseup', 'click'] : [];
      for (const t of guarded) win.addEventListener(t, guard, { capture: true });
      win.addEventListener('click', after);
      win.addEventListener('submit', after);
      st.cleanup = () => {
        for (const t of guarded) win.removeEventListener(t, guard, { capture: true });
        win.removeEventListener('click', after);
        win.removeEventListener('submit', after);
      };
      if (o.op === 'press') {
        // Keys go to the focused element wherever it is, but pages check where the user types:
        // bring its centre free when an alignment can (best effort, never a refusal).
        freeCentre(el);
        if (win !== window && win.frameElement) win.frameElement.focus();
        el.focus({ preventScroll: true });
      }
    } else if (o.op === 'fill') {
      // Focus what takes the keys: the element, or for a node inside a contenteditable region
      // (a <p> in a rich-text editor) the editing host; its frame gets the focus with it.
      let host = el;
      if (el.isContentEditable && !('value' in el)) {
        while (host.parentElement && host.parentElement.isContentEditable) host = host.parentElement;
      }
      if (winOf(el) !== window) { const fe = winOf(el).frameElement; if (fe) fe.focus(); }
      host.focus({ preventScroll: true });
      if (typeof el.select === 'function' && 'value' in el) {
        el.select();
        let all = false;
        try { all = el.selectionStart === 0 && el.selectionEnd === el.value.length; } catch (e) { all = false; }
        if (!all && el.value !== '') {
          // email, number…: no text selection; empty it so typing replaces the value.
          const proto = el.tagName === 'TEXTAREA' ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
          Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, '');
          el.dispatchEvent(new Event('input', { bubbles: true }));
        }
      } else if (el.isContentEditable) {
        const range = el.ownerDocument.createRange();
        range.selectNodeContents(el);
        const s = winOf(el).getSelection(); s.removeAllRanges(); s.addRange(range);
      }
      out.kind = tag === 'select' ? 'select' : (el.isContentEditable && !('value' in el) ? 'editable' : 'value');
      out.type = type;
      // Inputs whose value cannot be typed (date, color, range…) are set directly.
      if (typeof o.value === 'string' && ['date', 'datetime-local', 'month', 'week', 'time', 'color', 'range'].includes(type)) {
        const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
        setter.call(el, o.value);
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
        out.set = true;
        out.value = el.value;
      } else if (out.kind === 'value' && o.clear) {
        const proto = el.tagName === 'TEXTAREA' ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
        Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, '');
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
        out.set = true;
        out.value = el.value;
      }
    } else if (o.op === 'select') {
      if (el.tagName !== 'SELECT') {
        // A custom dropdown (react-select, a listbox of divs) is used as a person uses it.
        const typed = el.querySelector(TEXT_FIELDS);
        return { err: 'not a <select> element: ' + desc(el) + (typed
          ? ' (a custom dropdown: Fill it — its input ' + desc(typed) + ' — with the option\'s text, then Press Enter; or Click it, then Click the option)'
          : ' (a custom dropdown: Click it, then Click the option)') };
      }
      const want = o.values || [];
      const opts = Array.from(el.options);
      const chosen = [];
      for (const w of want) {
        const m = findOption(opts, w);
        if (!m) return { err: missingOption(el) };
        chosen.push(m);
      }
      if (!el.multiple && chosen.length > 1) return { err: desc(el) + ' is not multiple; got ' + chosen.length + ' values' };
      el.focus({ preventScroll: true });
      for (const x of opts) x.selected = chosen.includes(x);
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
      out.values = Array.from(el.selectedOptions).map((x) => x.value);
      // What was chosen, to tell a page that put its own value back (a controlled <select> whose
      // handler refused the choice); a <select> the handler took out of the page says nothing.
      if (el.isConnected) out.chosen = chosen.map((x) => x.value);
    } else if (o.op === 'upload') {
      // The <input type=file> to set: the element, the control of a <label>, or the one file
      // input inside it (a styled drop zone around a hidden input). Kept for the next
      // evaluation, which takes it by reference; none: a button that opens a chooser itself.
      let t = null;
      if (tag === 'input' && type === 'file') t = el;
      else if (tag === 'label' && el.control && el.control.type === 'file') t = el.control;
      else if (tag === 'input') return { err: desc(el) + ' is an <input type=' + (type || 'text') + '>, not type=file' };
      else {
        const inner = el.querySelectorAll('input[type=file]');
        if (inner.length > 1) return { err: desc(el) + ' holds ' + inner.length + ' file inputs: name one' };
        t = inner[0] || null;
      }
      if (t && t.disabled) return { err: desc(t) + ' is disabled' };
      window.__smartretryUpload = t;
      out.kind = t ? 'file' : 'chooser';
      out.has = !!(t && t.multiple);
    } else if (o.op === 'text') {
      out.text = (el.innerText !== undefined ? el.innerText : el.textContent) || '';
    } else if (o.op === 'attr') {
      out.has = el.hasAttribute(o.name);
      out.value = out.has ? el.getAttribute(o.name) : '';
    } else if (o.op === 'extract') {
      out.records = [];
      let list;
      try { list = query(o.sel, document); } catch (e) { list = []; }
      for (const c of list) {
        const rec = {};
        for (const [key, f] of Object.entries(o.fields || {})) {
          try { rec[key] = readField(c, f); } catch (e) { return { err: 'field ' + key + ': ' + String(e && e.message || e) }; }
        }
        out.records.push(rec);
      }
    }
    return out;
  };

  // A field's value in container c: the trimmed text of its element, or an attribute (href and
  // src absolute); "" when the element is missing. Throws on a malformed field selector.
  const readField = (c, f) => {
    const t = f.sel ? query(f.sel, c)[0] || null : c;
    if (!t) return '';
    if (f.attr) return String(f.attr === 'href' || f.attr === 'src' ? (t[f.attr] || t.getAttribute(f.attr) || '') : (t.getAttribute(f.attr) || ''));
    return ((t.innerText !== undefined ? t.innerText : t.textContent) || '').trim();
  };
  let changedAt = now(); // the last change to the DOM seen
  const extractQuietMs = 2000;
  // Has any field of any record a value yet? (No fields: the containers are the answer.)
  const extractFilled = () => {
    const fs = Object.values(o.fields || {});
    if (fs.length === 0) return true;
    try {
      for (const c of query(o.sel, document)) {
        for (const f of fs) if (readField(c, f) !== '') return true;
      }
    } catch (e) { return true; } // the read reports it
    return false;
  };
  tick();
  if (done) return result;
  mo = new MutationObserver(() => { changedAt = now(); tick(); });
  mo.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
  // Changes no mutation reports (CSS animations, :hover styles, fonts) are caught by a slow poll.
  poll = setInterval(tick, 50);
  timer = setTimeout(() => {
    if (!done && ((o.op === 'extract' && last.reason === 'empty') || last.reason === 'parsing')) {
      // Every field stayed empty the whole attempt, or the document is still loading at its end:
      // that is what the page shows.
      const c = check();
      if (c.el) return ready(c.el, c.count);
    }
    const r = Object.assign({ ok: false, timeout: true }, last);
    if (r.reason === 'not_found') r.count = 0;
    finish(r);
  }, Math.max(0, o.timeout));
  return result;
}
