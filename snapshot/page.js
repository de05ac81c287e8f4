// page.js runs inside the page in ONE Runtime.evaluate call (see eval.go). It is an expression
// that evaluates to a function of one options object:
//   {elements: bool, max: int, hidden: bool, challenge: bool, frames: int}
// and returns a plain JSON value. It never reads the value of a text field: names come from labels,
// placeholders and captions only.
((opts) => {
  const INTERACTIVE_ROLES = new Set([
    'button', 'link', 'checkbox', 'radio', 'switch', 'tab', 'menuitem', 'menuitemcheckbox',
    'menuitemradio', 'option', 'combobox', 'textbox', 'searchbox', 'slider', 'spinbutton',
    'treeitem', 'listbox', 'gridcell', 'scrollbar',
  ]);
  const CANDIDATES = 'a[href],area[href],button,input,select,textarea,summary,[role],[onclick],' +
    '[contenteditable],[tabindex]';
  const TEST_ATTRS = ['data-testid', 'data-test-id', 'data-test', 'data-qa', 'data-cy'];
  const SKIP_TEXT = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'INPUT', 'SELECT', 'TEXTAREA',
    'OPTION', 'IFRAME', 'SVG']);
  const out = {
    url: location.href, title: document.title, status: 0, redirects: 0,
    elements: [], frames: [], truncated: 0, challenge: null, password_visible: false, heading: '',
  };
  try {
    const nav = performance.getEntriesByType('navigation')[0];
    if (nav) { out.status = nav.responseStatus || 0; out.redirects = nav.redirectCount || 0; }
  } catch (e) { /* no navigation timing: status stays 0 */ }

  const collapse = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const shorten = (s, n) => (s.length > n ? s.slice(0, n - 1).trimEnd() + '…' : s);
  const cssStr = (v) => '"' + v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\a ') + '"';

  // Text of a subtree as a person reads it, skipping form controls (their content is a value, not a
  // caption) and stopping early: names are cut at 80 characters anyway.
  const textOf = (node) => {
    let acc = '';
    const walk = (n) => {
      if (acc.length > 200) return;
      if (n.nodeType === 3) { acc += n.nodeValue; return; }
      if (n.nodeType !== 1) return;
      const tag = n.tagName.toUpperCase();
      if (SKIP_TEXT.has(tag)) {
        if (tag === 'SVG') { const t = n.querySelector('title'); if (t) acc += ' ' + t.textContent + ' '; }
        return;
      }
      if (n.isContentEditable && n !== node) return;
      if (tag === 'IMG') { acc += ' ' + (n.getAttribute('alt') || '') + ' '; return; }
      if (n.getAttribute('aria-hidden') === 'true') return;
      for (let c = n.firstChild; c; c = c.nextSibling) walk(c);
      if (tag === 'BR' || tag === 'DIV' || tag === 'P' || tag === 'LI') acc += ' ';
    };
    walk(node);
    return collapse(acc);
  };

  const isRendered = (e) => {
    const r = e.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0) return false;
    if (e.checkVisibility) return e.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
    const cs = getComputedStyle(e);
    return cs.visibility !== 'hidden' && cs.opacity !== '0';
  };

  // Ids and attribute values generated per build or per page load do not re-find anything later.
  const looksRandom = (v) => {
    if (!v) return true;
    if (v.length > 64) return true;
    if (/[:«»]/.test(v)) return true;                       // React useId and friends
    if (/\d{4,}/.test(v)) return true;                      // long digit runs
    if (/^\d/.test(v)) return true;
    if (/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}/i.test(v)) return true; // uuid
    if (/^(ember|ext-gen|yui_|gwt-uid|mui-|rc_select_|headlessui-)/i.test(v)) return true;
    for (const tok of v.split(/[-_.\s/]+/)) {
      if (tok.length < 5) continue;
      const digits = (tok.match(/\d/g) || []).length;
      const letters = tok.length - digits;
      const switches = (tok.match(/[a-z][0-9]|[0-9][a-z]/gi) || []).length;
      if (digits >= 2 && letters >= 2 && switches >= 3) return true;               // k3j9x2, 1x2y3z
      // a digit inside a longer token (not a plain counter like "address2") is a generated name
      if (tok.length >= 6 && digits > 0 && letters > 0 && !/^[a-z]+\d+$/i.test(tok) && !/^\d+[a-z]+$/i.test(tok)) return true;
      if (tok.length >= 6 && /[bcdfghjklmnpqrstvwxz]{5,}/i.test(tok)) return true; // xkqzvbwp
      // hex hash, also the 1 in ~2,500 of 8 hex digits with no digit in it ("eaacbdde"): hardly
      // any word of 8 letters uses a-f only
      if (tok.length >= 8 && /^[0-9a-f]+$/i.test(tok)) return true;
      // the same after a short prefix with no separator ("x" + "eccadd42": x-style names)
      if (tok.length >= 9 && /^[a-z]{1,2}[0-9a-f]{8,}$/i.test(tok)) return true;
      if (tok.length >= 10 && digits > 0 && /[a-z]/.test(tok) && /[A-Z]/.test(tok)) return true; // base64-ish
      if (tok.length >= 6 && /^[a-z]{0,3}[A-Z][a-z]?[A-Z]/.test(tok) && digits === 0 && !/[aeiou]{1}[a-z]{2,}/.test(tok)) return true; // sc-bdVaJa
    }
    return false;
  };

  const unique = (doc, sel, e) => {
    try { const l = doc.querySelectorAll(sel); return l.length === 1 && l[0] === e; } catch (err) { return false; }
  };

  // Counts of each stable attribute value per document, built once: a selector made of one such
  // attribute is unique exactly when its count is 1, without a querySelectorAll per candidate.
  const indexes = new Map();
  const ATTRS = ['id', 'name', 'aria-label', 'href'].concat(TEST_ATTRS);
  const indexOf = (doc) => {
    let ix = indexes.get(doc);
    if (ix) return ix;
    ix = new Map();
    const bump = (k) => ix.set(k, (ix.get(k) || 0) + 1);
    for (const e of doc.querySelectorAll('[id],[name],[aria-label],a[href],[data-testid],[data-test-id],[data-test],[data-qa],[data-cy]')) {
      for (const a of ATTRS) {
        const v = e.getAttribute(a);
        if (v === null) continue;
        bump(a + '\u0000' + v);
        bump(e.localName + '\u0000' + a + '\u0000' + v);
      }
    }
    indexes.set(doc, ix);
    return ix;
  };
  const attrCache = new Map();
  // A selector made of the element's own stable attributes, or '' when it has none that is unique.
  const attrSelector = (e, doc) => {
    if (attrCache.has(e)) return attrCache.get(e);
    let found = '';
    const ix = indexOf(doc);
    const tag = CSS.escape(e.localName);
    const one = (k) => ix.get(k) === 1;
    const tries = []; // [selector, unique?]
    if (e.id && !looksRandom(e.id)) tries.push(['#' + CSS.escape(e.id), one('id\u0000' + e.id)]);
    const name = e.getAttribute('name');
    if (name && !looksRandom(name)) {
      tries.push([tag + '[name=' + cssStr(name) + ']', one(e.localName + '\u0000name\u0000' + name)]);
      const type = (e.getAttribute('type') || '').toLowerCase();
      const v = e.getAttribute('value');
      if ((type === 'radio' || type === 'checkbox') && v) tries.push([tag + '[name=' + cssStr(name) + '][value=' + cssStr(v) + ']', null]);
    }
    for (const a of TEST_ATTRS) {
      const v = e.getAttribute(a);
      if (v && !looksRandom(v)) {
        tries.push(['[' + a + '=' + cssStr(v) + ']', one(a + '\u0000' + v)]);
        tries.push([tag + '[' + a + '=' + cssStr(v) + ']', one(e.localName + '\u0000' + a + '\u0000' + v)]);
      }
    }
    const aria = e.getAttribute('aria-label');
    if (aria && aria.length <= 80) tries.push([tag + '[aria-label=' + cssStr(aria) + ']', one(e.localName + '\u0000aria-label\u0000' + aria)]);
    const href = e.localName === 'a' ? e.getAttribute('href') : null;
    if (href && href.length <= 120 && !href.startsWith('javascript:') && href !== '#') tries.push(['a[href=' + cssStr(href) + ']', one('a\u0000href\u0000' + href)]);
    for (const [sel, uniq] of tries) {
      // the index answers for single-attribute selectors; matches() guards the escaping
      if (uniq === null ? unique(doc, sel, e) : (uniq && e.matches(sel))) { found = sel; break; }
    }
    attrCache.set(e, found);
    return found;
  };

  const hasAnchorAttrs = (e) => e.id || e.hasAttribute('name') || e.hasAttribute('aria-label') ||
    TEST_ATTRS.some((a) => e.hasAttribute(a));

  // A tag:nth-of-type chain from the nearest ancestor that has a stable selector (or from body).
  const structural = (e, doc, anchored) => {
    const parts = [];
    let cur = e;
    while (cur && cur.nodeType === 1) {
      if (anchored && cur !== e && hasAnchorAttrs(cur)) {
        const a = attrSelector(cur, doc);
        if (a) { parts.unshift(a); break; }
      }
      if (cur === doc.body) { parts.unshift('body'); break; }
      const tag = CSS.escape(cur.localName);
      const p = cur.parentElement;
      if (!p) { parts.unshift(tag); break; }
      let idx = 0, count = 0;
      for (let s = p.firstElementChild; s; s = s.nextElementSibling) {
        if (s.localName === cur.localName) { count++; if (s === cur) idx = count; }
      }
      parts.unshift(count > 1 ? tag + ':nth-of-type(' + idx + ')' : tag);
      cur = p;
    }
    return parts.join(' > ');
  };

  const selectorFor = (e, doc) => {
    const own = hasAnchorAttrs(e) || e.localName === 'a' ? attrSelector(e, doc) : '';
    if (own) return own;
    let s = structural(e, doc, true);
    if (s.startsWith('body > ')) {
      // No stable ancestor: the shortest unique tail of the chain survives wrapper changes best.
      const parts = s.split(' > ');
      for (let i = parts.length - 1; i >= 1; i--) {
        if (i === parts.length - 1 && parts[i].includes(':nth-of-type')) continue; // too fragile alone
        const tail = parts.slice(i).join(' > ');
        if (unique(doc, tail, e)) return tail;
      }
    }
    if (unique(doc, s, e)) return s;
    s = structural(e, doc, false);
    return unique(doc, s, e) ? s : '';
  };

  const implicitRole = (e) => {
    const tag = e.localName;
    if (tag === 'a' || tag === 'area') return e.hasAttribute('href') ? 'link' : 'generic';
    if (tag === 'button' || tag === 'summary') return 'button';
    if (tag === 'select') return (e.multiple || e.size > 1) ? 'listbox' : 'combobox';
    if (tag === 'textarea') return 'textbox';
    if (tag === 'input') {
      const t = (e.getAttribute('type') || 'text').toLowerCase();
      switch (t) {
        case 'button': case 'submit': case 'reset': case 'image': return 'button';
        case 'checkbox': return 'checkbox';
        case 'radio': return 'radio';
        case 'range': return 'slider';
        case 'number': return 'spinbutton';
        case 'search': return e.hasAttribute('list') ? 'combobox' : 'searchbox';
        case 'file': return 'button';
        case 'color': case 'date': case 'datetime-local': case 'month': case 'time': case 'week': return 'textbox';
        default: return e.hasAttribute('list') ? 'combobox' : 'textbox';
      }
    }
    if (e.isContentEditable) return 'textbox';
    return 'generic';
  };

  const TEXT_ENTRY = new Set(['textbox', 'searchbox', 'combobox', 'listbox', 'spinbutton', 'slider']);

  const nameOf = (e, role, doc) => {
    const by = e.getAttribute('aria-labelledby');
    if (by) {
      const t = collapse(by.split(/\s+/).map((id) => {
        const r = doc.getElementById(id);
        return r ? (r.getAttribute('aria-label') || textOf(r)) : '';
      }).join(' '));
      if (t) return t;
    }
    const aria = collapse(e.getAttribute('aria-label'));
    if (aria) return aria;
    const tag = e.localName;
    if (tag === 'input') {
      const t = (e.getAttribute('type') || 'text').toLowerCase();
      // The caption of a button-like input is its value attribute; it is not something a person typed.
      if (t === 'submit' || t === 'reset' || t === 'button') {
        return collapse(e.getAttribute('value')) || (t === 'submit' ? 'Submit' : t === 'reset' ? 'Reset' : '');
      }
      if (t === 'image') { const alt = collapse(e.getAttribute('alt')); if (alt) return alt; }
    }
    if (e.labels && e.labels.length) {
      const t = collapse(Array.from(e.labels).map(textOf).join(' '));
      if (t) return t;
    }
    if (!TEXT_ENTRY.has(role) && !e.isContentEditable && tag !== 'select' && tag !== 'textarea' && tag !== 'input') {
      const t = textOf(e);
      if (t) return t;
    }
    for (const a of ['placeholder', 'aria-placeholder', 'alt', 'title']) {
      const t = collapse(e.getAttribute(a));
      if (t) return t;
    }
    return '';
  };

  const isCandidate = (e) => {
    const tag = e.localName;
    if (tag === 'a' || tag === 'area') return e.hasAttribute('href') || e.hasAttribute('onclick') || INTERACTIVE_ROLES.has(e.getAttribute('role'));
    if (tag === 'input') return (e.getAttribute('type') || '').toLowerCase() !== 'hidden';
    if (tag === 'button' || tag === 'select' || tag === 'textarea') return true;
    if (tag === 'summary') return !!e.parentElement && e.parentElement.localName === 'details';
    if (e.hasAttribute('onclick')) return true;
    const role = (e.getAttribute('role') || '').trim().split(/\s+/)[0];
    if (INTERACTIVE_ROLES.has(role)) return true;
    if (e.hasAttribute('contenteditable') && e.isContentEditable) {
      // only the editing host, not every node inside it
      return !(e.parentElement && e.parentElement.isContentEditable);
    }
    if (e.hasAttribute('tabindex')) return parseInt(e.getAttribute('tabindex'), 10) >= 0;
    return false;
  };

  const isEnabled = (e) => {
    try { if (e.matches(':disabled')) return false; } catch (err) { /* not a form element */ }
    return e.getAttribute('aria-disabled') !== 'true';
  };

  // ---- challenge markers ------------------------------------------------------------------------
  const RANK = {
    'cloudflare/interstitial': 1, 'recaptcha/image_challenge': 2, 'hcaptcha/image_challenge': 3,
    'datadome/captcha': 4, 'datadome/interstitial': 4, 'perimeterx/captcha': 5, 'aws_waf/captcha': 6,
    'recaptcha/checkbox': 7, 'hcaptcha/checkbox': 8, 'turnstile/widget': 9,
  };
  let best = null;
  const hit = (vendor, kind, evidence, frameURL) => {
    const r = RANK[vendor + '/' + kind] || 99;
    if (!best || r < best.rank) best = { rank: r, vendor, kind, evidence, frame_url: frameURL || '' };
  };
  const inBadge = (e) => !!e.closest('.grecaptcha-badge');
  // Every marker of challengeIn (and any frame) must also be in challengeMarkersJS (challenge.go):
  // DetectChallenge skips this script when that quick check finds nothing.
  const challengeIn = (doc, frameURL) => {
    const win = doc.defaultView;
    if (/^\s*just a moment/i.test(doc.title || '')) hit('cloudflare', 'interstitial', 'title "' + collapse(doc.title) + '"', frameURL);
    for (const sel of ['#challenge-running', '#challenge-stage', '#challenge-form', '#cf-challenge-running', 'form[action*="__cf_chl_"]']) {
      if (doc.querySelector(sel)) { hit('cloudflare', 'interstitial', sel, frameURL); break; }
    }
    // Cloudflare's bot-management script (/cdn-cgi/challenge-platform/scripts/jsd/) runs on ordinary
    // pages too: only the challenge orchestration paths count.
    const cfs = doc.querySelector('script[src*="/cdn-cgi/challenge-platform/"]:not([src*="/scripts/jsd/"])');
    if (cfs) hit('cloudflare', 'interstitial', 'script[src*="/cdn-cgi/challenge-platform/"]', frameURL);
    try { if (win && win._cf_chl_opt) hit('cloudflare', 'interstitial', 'window._cf_chl_opt', frameURL); } catch (err) { /* cross-origin */ }

    for (const f of doc.querySelectorAll('iframe,frame')) {
      const src = f.src || f.getAttribute('src') || '';
      if (!src) continue;
      const shown = isRendered(f);
      const rect = f.getBoundingClientRect();
      const onScreen = shown && rect.bottom > 0 && rect.right > 0;
      if (src.includes('/recaptcha/')) {
        if (src.includes('bframe')) { if (onScreen) hit('recaptcha', 'image_challenge', 'iframe[src*="/recaptcha/"][src*="bframe"] visible', src); }
        else if (src.includes('anchor') && !/size=invisible/.test(src) && shown && !inBadge(f)) hit('recaptcha', 'checkbox', 'iframe[src*="/recaptcha/"][src*="anchor"]', src);
      } else if (src.includes('hcaptcha.com')) {
        if (/frame=challenge/.test(src)) { if (onScreen) hit('hcaptcha', 'image_challenge', 'iframe[src*="hcaptcha.com"][src*="frame=challenge"] visible', src); }
        else if (shown && !/size=invisible/.test(src)) hit('hcaptcha', 'checkbox', 'iframe[src*="hcaptcha.com"]', src);
      } else if (src.includes('challenges.cloudflare.com')) {
        if (shown) hit('turnstile', 'widget', 'iframe[src*="challenges.cloudflare.com"]', src);
      } else if (src.includes('captcha-delivery.com')) {
        hit('datadome', src.includes('/interstitial/') ? 'interstitial' : 'captcha', 'iframe[src*="captcha-delivery.com"]', src);
      }
    }
    const widget = (sel, vendor, kind) => {
      for (const e of doc.querySelectorAll(sel)) {
        if (inBadge(e) || e.getAttribute('data-size') === 'invisible') continue;
        const box = e.localName === 'textarea' || e.localName === 'input' ? e.parentElement : e;
        if (box && isRendered(box)) { hit(vendor, kind, sel, frameURL); return; }
      }
    };
    widget('.g-recaptcha', 'recaptcha', 'checkbox');
    widget('[name="g-recaptcha-response"]', 'recaptcha', 'checkbox');
    widget('.h-captcha', 'hcaptcha', 'checkbox');
    widget('[name="h-captcha-response"]', 'hcaptcha', 'checkbox');
    widget('.cf-turnstile', 'turnstile', 'widget');
    widget('[name="cf-turnstile-response"]', 'turnstile', 'widget');
    // Inside the vendors' own frames (reachable when they are same-origin look-alikes).
    if (doc.querySelector('#recaptcha-anchor')) hit('recaptcha', 'checkbox', '#recaptcha-anchor', frameURL);
    if (doc.querySelector('#px-captcha')) hit('perimeterx', 'captcha', '#px-captcha', frameURL);
    if (doc.querySelector('awswaf-captcha')) hit('aws_waf', 'captcha', 'awswaf-captcha', frameURL);
    // AWS WAF renders its puzzle into #captcha-container from a *.awswaf.com script; the id alone is
    // too common to count.
    const awsBox = doc.querySelector('#captcha-container');
    if (awsBox && (awsBox.classList.contains('amzn-captcha') || doc.querySelector('script[src*="awswaf.com"]') ||
        /^\s*human verification\s*$/i.test(doc.title || ''))) {
      hit('aws_waf', 'captcha', '#captcha-container (AWS WAF)', frameURL);
    }
    if (doc.querySelector('script[src*="captcha-delivery.com"]') && /captcha-delivery\.com/.test(frameURL || '')) {
      hit('datadome', 'captcha', 'script[src*="captcha-delivery.com"]', frameURL);
    }
  };

  // ---- walk the documents: the top one, then same-origin frames (depth-limited) ------------------
  const VENDOR_FRAME = /\/recaptcha\/|hcaptcha\.com|challenges\.cloudflare\.com|captcha-delivery\.com/;
  let count = 0;
  const visit = (doc, framePath, frameURL, depth) => {
    // A vendor's own frame was already judged from its parent (src + visibility): looking inside it
    // again would report invisible/hidden widgets.
    if (opts.challenge && !VENDOR_FRAME.test(frameURL)) challengeIn(doc, frameURL);
    if (opts.elements) {
      for (const pw of doc.querySelectorAll('input[type=password]')) {
        if (isRendered(pw)) { out.password_visible = true; break; }
      }
      for (const e of doc.querySelectorAll(CANDIDATES)) {
        if (!isCandidate(e)) continue;
        const visible = isRendered(e);
        if (!visible && !opts.hidden) continue;
        if (count >= opts.max) { out.truncated++; continue; }
        count++;
        const tag = e.localName;
        const explicit = (e.getAttribute('role') || '').trim().split(/\s+/)[0];
        const role = explicit || implicitRole(e);
        const el = {
          ref: 'e' + count, role, name: shorten(nameOf(e, role, doc), 80), selector: selectorFor(e, doc),
          visible, enabled: isEnabled(e), tag,
        };
        if (tag === 'input') el.type = (e.getAttribute('type') || 'text').toLowerCase();
        else if (tag === 'button') el.type = (e.getAttribute('type') || 'submit').toLowerCase();
        if ((tag === 'a' || tag === 'area') && e.hasAttribute('href')) el.href = e.href;
        if (framePath) el.frame = framePath;
        out.elements.push(el);
      }
    }
    for (const f of doc.querySelectorAll('iframe,frame')) {
      let inner = null;
      try { inner = f.contentDocument; } catch (err) { inner = null; }
      const sel = selectorFor(f, doc);
      const path = framePath ? framePath + ' >> ' + sel : sel;
      const src = f.src || f.getAttribute('src') || (inner ? inner.URL : '');
      out.frames.push({ selector: path, url: src, name: f.getAttribute('name') || '', same_origin: !!inner, visible: isRendered(f) });
      if (inner && depth < opts.frames) visit(inner, path, inner.URL, depth + 1);
    }
  };
  visit(document, '', '', 0);
  // The page's main heading as a person sees it: the first rendered h1, else h2 (a not-found page
  // says so there when its title does not).
  if (opts.elements) {
    for (const sel of ['h1', 'h2']) {
      const h = Array.from(document.querySelectorAll(sel)).find(isRendered);
      if (h) { out.heading = shorten(collapse(h.textContent), 200); break; }
    }
  }
  if (best) { delete best.rank; out.challenge = best; }
  return out;
})
