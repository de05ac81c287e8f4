// page.js runs inside the page, one Runtime.evaluate per call (pagejs.go). It is an expression that
// evaluates to a function (mode, o):
//   snapshot  {next, root, max, …}    the page as lines of an aria-like tree, refs for every element a
//                                     person can act on (kept on the node across calls), and the
//                                     facts about each ref the Go side keeps to re-resolve it later
//   resolve   {ref, role, name, …}    the node a ref stands for now: the same node when it is still
//                                     attached, else the one that matches what the ref was; answers
//                                     a selector the Session can act on, or what is closest
//   element   {ref | selector}        the element itself (browser_evaluate passes it to the function)
//   info      {selector}              the facts about what a CSS selector matches (password? checked?)
//   center    {selector}              the centre of what a CSS selector matches, in viewport pixels
//   text      {text, gone, timeout}   waits until the page's text contains (or lost) text
// Password values are never read; values of other fields are, for the snapshot.
((mode, o) => {
  const ST = window.__smartretryMCP || (window.__smartretryMCP = { byRef: new Map(), refOf: new WeakMap() });
  const INTERACTIVE_ROLES = new Set([
    'button', 'link', 'checkbox', 'radio', 'switch', 'tab', 'menuitem', 'menuitemcheckbox',
    'menuitemradio', 'option', 'combobox', 'textbox', 'searchbox', 'slider', 'spinbutton',
    'treeitem', 'listbox', 'gridcell', 'scrollbar',
  ]);
  const TEST_ATTRS = ['data-testid', 'data-test-id', 'data-test', 'data-qa', 'data-cy'];
  const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'HEAD', 'META', 'LINK', 'TITLE', 'OPTION', 'DATALIST']);
  const collapse = (s) => (s || '').replace(/[\s\u00a0]+/g, ' ').trim();
  const shorten = (s, n) => (s.length > n ? s.slice(0, n - 1).trimEnd() + '…' : s);
  const cssStr = (v) => '"' + v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\a ') + '"';

  const isShown = (e) => {
    if (e.checkVisibility && !e.checkVisibility({ visibilityProperty: true })) return false;
    if (e.getAttribute('aria-hidden') === 'true') return false;
    return true;
  };
  const hasBox = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };

  // ---- stable selectors (the same rules as package snapshot) --------------------------------------
  const looksRandom = (v) => {
    if (!v) return true;
    if (v.length > 64) return true;
    if (/[:«»]/.test(v)) return true;
    if (/\d{4,}/.test(v)) return true;
    if (/^\d/.test(v)) return true;
    if (/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}/i.test(v)) return true;
    if (/^(ember|ext-gen|yui_|gwt-uid|mui-|rc_select_|headlessui-)/i.test(v)) return true;
    for (const tok of v.split(/[-_.\s/]+/)) {
      if (tok.length < 5) continue;
      const digits = (tok.match(/\d/g) || []).length;
      const letters = tok.length - digits;
      const switches = (tok.match(/[a-z][0-9]|[0-9][a-z]/gi) || []).length;
      if (digits >= 2 && letters >= 2 && switches >= 3) return true;
      if (tok.length >= 6 && digits > 0 && letters > 0 && !/^[a-z]+\d+$/i.test(tok) && !/^\d+[a-z]+$/i.test(tok)) return true;
      if (tok.length >= 6 && /[bcdfghjklmnpqrstvwxz]{5,}/i.test(tok)) return true;
      if (tok.length >= 8 && /^[0-9a-f]+$/i.test(tok)) return true;
      if (tok.length >= 10 && digits > 0 && /[a-z]/.test(tok) && /[A-Z]/.test(tok)) return true;
      if (tok.length >= 6 && /^[a-z]{0,3}[A-Z][a-z]?[A-Z]/.test(tok) && digits === 0 && !/[aeiou]{1}[a-z]{2,}/.test(tok)) return true;
    }
    return false;
  };
  const rootOf = (e) => e.getRootNode ? e.getRootNode() : document;
  const unique = (e, sel) => {
    try { const l = rootOf(e).querySelectorAll(sel); return l.length === 1 && l[0] === e; } catch (err) { return false; }
  };
  const attrSelector = (e) => {
    const tag = CSS.escape(e.localName);
    const tries = [];
    if (e.id && !looksRandom(e.id)) tries.push('#' + CSS.escape(e.id));
    const name = e.getAttribute('name');
    if (name && !looksRandom(name)) {
      tries.push(tag + '[name=' + cssStr(name) + ']');
      const v = e.getAttribute('value');
      if (v && v.length < 80) tries.push(tag + '[name=' + cssStr(name) + '][value=' + cssStr(v) + ']');
    }
    for (const a of TEST_ATTRS) {
      const v = e.getAttribute(a);
      if (v && !looksRandom(v)) { tries.push('[' + a + '=' + cssStr(v) + ']'); tries.push(tag + '[' + a + '=' + cssStr(v) + ']'); }
    }
    const aria = e.getAttribute('aria-label');
    if (aria && aria.length <= 80) tries.push(tag + '[aria-label=' + cssStr(aria) + ']');
    const href = e.localName === 'a' ? e.getAttribute('href') : null;
    if (href && href.length <= 120 && !href.startsWith('javascript:') && href !== '#') tries.push('a[href=' + cssStr(href) + ']');
    for (const s of tries) if (unique(e, s)) return s;
    return '';
  };
  const hasAnchor = (e) => e.id || e.hasAttribute('name') || e.hasAttribute('aria-label') || TEST_ATTRS.some((a) => e.hasAttribute(a));
  const structural = (e, anchored) => {
    const parts = [];
    let cur = e;
    while (cur && cur.nodeType === 1) {
      if (anchored && cur !== e && hasAnchor(cur)) { const a = attrSelector(cur); if (a) { parts.unshift(a); break; } }
      if (cur === cur.ownerDocument.body) { parts.unshift('body'); break; }
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
  const selectorFor = (e) => {
    const own = hasAnchor(e) || e.localName === 'a' ? attrSelector(e) : '';
    if (own) return own;
    let s = structural(e, true);
    if (s.startsWith('body > ')) {
      const parts = s.split(' > ');
      for (let i = parts.length - 1; i >= 1; i--) {
        if (i === parts.length - 1 && parts[i].includes(':nth-of-type')) continue;
        const tail = parts.slice(i).join(' > ');
        if (unique(e, tail)) return tail;
      }
    }
    if (unique(e, s)) return s;
    s = structural(e, false);
    return unique(e, s) ? s : '';
  };

  // An element inside a same-origin iframe is named for the Session by chaining: the frame's
  // selector, " >>> ", the element's selector in the frame's document (nested frames chain on).
  // null when a frame on the way has no selector.
  const framePrefix = (e) => {
    let prefix = '';
    let doc = e.ownerDocument;
    while (doc && doc !== document) {
      const fe = doc.defaultView && doc.defaultView.frameElement;
      if (!fe) return null;
      const fs = selectorFor(fe);
      if (!fs) return null;
      prefix = fs + ' >>> ' + prefix;
      doc = fe.ownerDocument;
    }
    return prefix;
  };
  const frameDoc = (f) => { try { return f.contentDocument; } catch (err) { return null; } };

  // ---- roles, names, states -----------------------------------------------------------------------
  const inputType = (e) => (e.getAttribute('type') || 'text').toLowerCase();
  const implicitRole = (e) => {
    const tag = e.localName;
    switch (tag) {
      case 'a': case 'area': return 'link';
      case 'button': case 'summary': return 'button';
      case 'select': return (e.multiple || e.size > 1) ? 'listbox' : 'combobox';
      case 'textarea': return 'textbox';
      case 'h1': case 'h2': case 'h3': case 'h4': case 'h5': case 'h6': return 'heading';
      case 'img': return 'img';
      case 'nav': return 'navigation';
      case 'main': return 'main';
      case 'header': return e.closest('article,aside,main,nav,section') ? '' : 'banner';
      case 'footer': return e.closest('article,aside,main,nav,section') ? '' : 'contentinfo';
      case 'aside': return 'complementary';
      case 'form': return 'form';
      case 'dialog': return 'dialog';
      case 'ul': case 'ol': case 'menu': return 'list';
      case 'li': return 'listitem';
      case 'table': return 'table';
      case 'tr': return 'row';
      case 'td': return 'cell';
      case 'th': return 'columnheader';
      case 'p': return 'paragraph';
      case 'label': return 'label';
      case 'dt': return 'term';
      case 'dd': return 'definition';
      case 'caption': case 'figcaption': case 'legend': return 'caption';
      case 'blockquote': return 'blockquote';
      case 'pre': return 'code';
      case 'output': return 'status';
      case 'section': return e.hasAttribute('aria-label') || e.hasAttribute('aria-labelledby') ? 'region' : '';
      case 'input': {
        switch (inputType(e)) {
          case 'hidden': return '';
          case 'button': case 'submit': case 'reset': case 'image': case 'file': return 'button';
          case 'checkbox': return 'checkbox';
          case 'radio': return 'radio';
          case 'range': return 'slider';
          case 'number': return 'spinbutton';
          case 'search': return e.hasAttribute('list') ? 'combobox' : 'searchbox';
          default: return e.hasAttribute('list') ? 'combobox' : 'textbox';
        }
      }
    }
    if (e.isContentEditable && !(e.parentElement && e.parentElement.isContentEditable)) return 'textbox';
    return '';
  };
  const roleOf = (e) => {
    const explicit = (e.getAttribute('role') || '').trim().split(/\s+/)[0];
    if (explicit && explicit !== 'presentation' && explicit !== 'none' && explicit !== 'generic') return explicit;
    return implicitRole(e);
  };
  // Does the page react to a click on e, though no role says so? (onclick, a listener the init
  // script saw, framework props, a pointer cursor its parent does not have, tabindex.)
  const reactProps = (e) => {
    for (const k in e) {
      if (k.startsWith('__reactProps$')) { const p = e[k]; return p && (p.onClick || p.onMouseDown || p.onPointerDown); }
    }
    return false;
  };
  const clickable = (e) => {
    const tag = e.localName;
    if (tag === 'body' || tag === 'html') return false;
    if (e.hasAttribute('onclick') || typeof e.onclick === 'function') return true;
    // Weaker signals count only for an element that holds no real control: a wrapper a page listens
    // on (event delegation) is not itself the thing to click.
    const weak = () => {
      const seen = window.__smartretryClicks;
      if (seen && seen.has(e)) return true;
      if (reactProps(e)) return true;
      if (e._vei && (e._vei.onClick || e._vei.onMousedown)) return true;
      if (e.hasAttribute('tabindex') && parseInt(e.getAttribute('tabindex'), 10) >= 0) return true;
      if (getComputedStyle(e).cursor === 'pointer') {
        const p = e.parentElement;
        return !p || getComputedStyle(p).cursor !== 'pointer';
      }
      return false;
    };
    return weak() && !e.querySelector('a[href],button,input,select,textarea');
  };
  const textOf = (node, limit) => {
    let acc = '';
    const walk = (n) => {
      if (acc.length > limit) return;
      if (n.nodeType === 3) { acc += n.nodeValue; return; }
      if (n.nodeType !== 1) return;
      const tag = n.tagName.toUpperCase();
      if (SKIP.has(tag) || tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') return;
      if (tag === 'IMG') { acc += ' ' + (n.getAttribute('alt') || '') + ' '; return; }
      if (n.getAttribute('aria-hidden') === 'true') return;
      if (tag === 'SVG' || n.namespaceURI === 'http://www.w3.org/2000/svg') {
        const t = n.querySelector && n.querySelector('title'); if (t) acc += ' ' + t.textContent + ' ';
        return;
      }
      for (let c = n.firstChild; c; c = c.nextSibling) walk(c);
      if (/^(BR|DIV|P|LI|TD|TH|TR)$/.test(tag)) acc += ' ';
    };
    walk(node);
    return collapse(acc);
  };
  const TEXT_ENTRY = new Set(['textbox', 'searchbox', 'combobox', 'listbox', 'spinbutton', 'slider']);
  const nameOf = (e, role) => {
    const by = e.getAttribute('aria-labelledby');
    if (by) {
      const t = collapse(by.split(/\s+/).map((id) => { const r = document.getElementById(id); return r ? (r.getAttribute('aria-label') || textOf(r, 200)) : ''; }).join(' '));
      if (t) return t;
    }
    const aria = collapse(e.getAttribute('aria-label'));
    if (aria) return aria;
    const tag = e.localName;
    if (tag === 'input') {
      const t = inputType(e);
      if (t === 'submit' || t === 'reset' || t === 'button') return collapse(e.getAttribute('value')) || (t === 'submit' ? 'Submit' : t === 'reset' ? 'Reset' : '');
      if (t === 'image') { const alt = collapse(e.getAttribute('alt')); if (alt) return alt; }
    }
    if (e.labels && e.labels.length) {
      const t = collapse(Array.from(e.labels).map((l) => textOf(l, 200)).join(' '));
      if (t) return t;
    }
    if (tag === 'img') return collapse(e.getAttribute('alt'));
    if (!TEXT_ENTRY.has(role) && tag !== 'select' && tag !== 'textarea' && tag !== 'input') {
      const t = textOf(e, 200);
      if (t) return t;
    }
    // Text a style sheet writes (a close button's '×' in ::after), as Chromium names it too; an
    // icon font's private-use character is no name.
    if (!TEXT_ENTRY.has(role) && tag !== 'select' && tag !== 'textarea' && tag !== 'input') {
      for (const ps of ['::before', '::after']) {
        const m = /^"(.*)"$/.exec(getComputedStyle(e, ps).content || '');
        const t = m ? collapse(m[1].replace(/\\"/g, '"')) : '';
        if (t && !/[\ue000-\uf8ff]/.test(t)) return t;
      }
    }
    for (const a of ['placeholder', 'aria-placeholder', 'title', 'alt']) {
      const t = collapse(e.getAttribute(a));
      if (t) return t;
    }
    return '';
  };
  const isPassword = (e) => e.localName === 'input' && inputType(e) === 'password';
  const interactiveRole = (e, role) => {
    const tag = e.localName;
    if (tag === 'input') return inputType(e) !== 'hidden';
    if (tag === 'button' || tag === 'select' || tag === 'textarea') return true;
    if (tag === 'a' && e.hasAttribute('href')) return true;
    if (tag === 'summary') return true;
    if (INTERACTIVE_ROLES.has(role)) return true;
    if (e.isContentEditable && !(e.parentElement && e.parentElement.isContentEditable)) return true;
    return clickable(e);
  };
  const states = (e, role) => {
    const out = [];
    let disabled = false;
    try { disabled = e.matches(':disabled'); } catch (err) { /* not a form element */ }
    if (disabled || e.getAttribute('aria-disabled') === 'true') out.push('disabled');
    if (e.localName === 'input' && (inputType(e) === 'checkbox' || inputType(e) === 'radio')) {
      if (e.checked) out.push('checked');
    } else if (e.getAttribute('aria-checked') === 'true') out.push('checked');
    if (e.getAttribute('aria-expanded') === 'true' || (e.localName === 'summary' && e.parentElement && e.parentElement.open)) out.push('expanded');
    if (e.getAttribute('aria-pressed') === 'true') out.push('pressed');
    if (e.getAttribute('aria-selected') === 'true') out.push('selected');
    if (e.getAttribute('aria-current') && e.getAttribute('aria-current') !== 'false') out.push('current');
    if (e.required) out.push('required');
    if (role === 'heading') out.push('level=' + (parseInt((e.localName.match(/^h(\d)$/) || [])[1] || e.getAttribute('aria-level') || '2', 10)));
    return out;
  };
  const valueOf = (e) => {
    if (isPassword(e)) return e.value ? '••••' : '';
    const tag = e.localName;
    if (tag === 'select') return collapse(Array.from(e.selectedOptions || []).map((x) => x.label || x.text).join(', '));
    if (tag === 'textarea') return e.value;
    if (tag === 'input') {
      const t = inputType(e);
      if (t === 'checkbox' || t === 'radio' || t === 'submit' || t === 'button' || t === 'reset' || t === 'image' || t === 'file') return '';
      return e.value;
    }
    if (e.isContentEditable) return textOf(e, 200);
    return '';
  };

  const refFor = (e) => {
    let r = ST.refOf.get(e);
    if (!r) { r = 'e' + (ST.next++); ST.refOf.set(e, r); }
    const w = ST.byRef.get(r);
    if (!w || w.deref() !== e) ST.byRef.set(r, new WeakRef(e));
    return r;
  };
  const q = (s) => JSON.stringify(s);
  const shortURL = (u) => {
    try { const x = new URL(u, location.href); return x.origin === location.origin ? x.pathname + x.search + x.hash : x.href; } catch (err) { return u; }
  };

  // ---- snapshot -----------------------------------------------------------------------------------
  // ---- controls shown on hover --------------------------------------------------------------------
  // A hidden element a style rule shows while a shown ancestor (or an earlier sibling of one) is
  // hovered ('li:hover .destroy { display: block }': TodoMVC's ×, a row's actions): the controls
  // in it are listed [on hover] with refs; a click on one hovers the ancestor first. Sheets of
  // another origin cannot be read. The rules are read once per call, their subjects queried once.
  let hoverRules = null;
  const readRules = /*HOVERRULES*/null;
  const readHoverRules = () => {
    const rules = [];
    for (const r of readRules(200)) {
      let subjects;
      try { subjects = new Set(document.querySelectorAll(r.subject)); } catch (err) { continue; }
      if (subjects.size) rules.push({ host: r.host, subjects });
    }
    return rules;
  };
  const hoverHostOf = (e) => {
    if (e.ownerDocument !== document) return null;
    if (hoverRules === null) hoverRules = readHoverRules();
    const m = (x, sel) => { try { return x.matches(sel); } catch (err) { return false; } };
    for (const r of hoverRules) {
      if (!r.subjects.has(e)) continue;
      for (let a = e.parentElement; a; a = a.parentElement) {
        if (m(a, r.host) && isShown(a) && hasBox(a)) return a;
        for (let b = a.previousElementSibling; b; b = b.previousElementSibling) if (m(b, r.host) && isShown(b) && hasBox(b)) return b;
      }
      for (let b = e.previousElementSibling; b; b = b.previousElementSibling) if (m(b, r.host) && isShown(b) && hasBox(b)) return b;
    }
    return null;
  };
  // Is e hidden only until the pointer is over an ancestor (it, or its nearest hidden ancestor, is
  // shown by such a rule)?
  const onHover = (e) => {
    for (let x = e; x && x.nodeType === 1; x = x.parentElement) {
      if (isShown(x)) return false;
      if (hoverHostOf(x)) return true;
    }
    return false;
  };
  let hoverOnly = () => {};
  const snapshot = () => {
    ST.next = Math.max(ST.next || 1, o.next || 1);
    const lines = [];
    const refs = [];
    const seen = new Map(); // role+name → count, for nth among equals
    let count = 0;
    // A page far longer than the text budget is read only as far as it can be shown: past
    // o.chars characters of lines the walk stops (unread), and the refs past o.selChars (never
    // shown but in a diff or a depth view) or past o.selMs of work get no stable selector: each
    // costs a query of the whole document, 3000 of them took 30 s on a list of 5000 items. Such
    // a ref is acted on live and found again by role and name.
    let chars = 0, selMs = 0, unread = false;
    const push = (d, t) => { lines.push({ d, t: t }); chars += t.length + 2 * d + 1; };
    const TEXTUAL = new Set(['paragraph', 'listitem', 'cell', 'columnheader', 'label', 'term', 'definition', 'caption',
      'blockquote', 'code', 'status', 'alert', 'log', 'note', 'tooltip', 'rowheader']);
    const CONTAINER = new Set(['list', 'table', 'navigation', 'main', 'banner', 'contentinfo', 'complementary', 'form', 'dialog',
      'alertdialog', 'region', 'menu', 'menubar', 'tablist', 'tree', 'grid', 'group', 'radiogroup', 'toolbar', 'search', 'tabpanel']);
    const hasInteractive = (e) => {
      for (const c of e.querySelectorAll('a,button,input,select,textarea,summary,[role],[onclick],[tabindex],[contenteditable]')) {
        if (isShown(c) && interactiveRole(c, roleOf(c))) return true;
      }
      return false;
    };
    const addRef = (e, role, name, d) => {
      const ref = refFor(e);
      const key = role + '\u0000' + name;
      const nth = seen.get(key) || 0;
      seen.set(key, nth + 1);
      let line = '- ' + role + (name ? ' ' + q(shorten(name, 100)) : '') + ' [ref=' + ref + ']';
      for (const s of states(e, role)) line += ' [' + s + ']';
      if (e.localName === 'a' && e.hasAttribute('href')) {
        const h = e.getAttribute('href');
        if (h && !h.startsWith('javascript:')) line += ' [url=' + shortURL(e.href) + ']';
      }
      let v = valueOf(e);
      if (v && (o.secrets || []).some((x) => x && v.includes(x))) v = '••••';
      if (v) line += ': ' + q(shorten(collapse(v), 200)).slice(1, -1);
      push(d, line);
      let sel = '';
      if ((!o.selChars || chars <= o.selChars) && (!o.selMs || selMs < o.selMs)) {
        const t0 = performance.now();
        sel = selectorFor(e);
        selMs += performance.now() - t0;
      }
      if (sel && e.ownerDocument !== document) { const fp = framePrefix(e); sel = fp === null ? '' : fp + sel; }
      refs.push({ ref, role, name: shorten(name, 200), tag: e.localName, selector: sel, nth, password: isPassword(e),
        text: shorten(textOf(e, 120), 120) });
      count++;
    };
    const walkChildren = (n, d) => {
      let text = '';
      const flush = () => { const t = collapse(text); if (t) push(d, '- text: ' + shorten(t, 400)); text = ''; };
      const kids = n.shadowRoot ? [n.shadowRoot, ...n.childNodes] : n.childNodes;
      for (const c of kids) {
        if (o.chars && chars >= o.chars) { unread = true; break; }
        if (c.nodeType === 3) { text += c.nodeValue; continue; }
        if (c.nodeType === 11) { flush(); walkChildren(c, d); continue; }
        if (c.nodeType !== 1) continue;
        if (c.localName === 'br') { text += ' '; continue; }
        const inline = /^(span|b|i|em|strong|small|code|abbr|time|mark|sub|sup|u|s|q|cite|font|kbd|var)$/.test(c.localName);
        if (inline && !c.shadowRoot && isShown(c)) {
          const r = roleOf(c);
          if (!interactiveRole(c, r) && !hasInteractive(c) && !TEXTUAL.has(r)) { text += textOf(c, 2000) + ' '; continue; }
        }
        flush();
        visit(c, d);
      }
      flush();
    };
    hoverOnly = (e, d) => {
      if (count >= o.max || !hoverHostOf(e)) return;
      const list = [e, ...e.querySelectorAll('a[href],button,input:not([type=hidden]),select,textarea,summary,[role],[onclick],[tabindex]')];
      for (const c of list) {
        const role = roleOf(c);
        if (c.getAttribute('aria-hidden') === 'true' || !interactiveRole(c, role)) continue;
        const r = INTERACTIVE_ROLES.has(role) ? role : (role && !TEXTUAL.has(role) && !CONTAINER.has(role) ? role : (c.localName === 'a' ? 'link' : 'button'));
        addRef(c, r, nameOf(c, r), d);
        lines[lines.length - 1].t += ' [on hover]';
        if (count >= o.max) return;
      }
    };
    const visit = (e, d) => {
      if (count >= o.max) return;
      if (o.chars && chars >= o.chars) { unread = true; return; }
      if (SKIP.has(e.tagName.toUpperCase())) return;
      if (!isShown(e)) { hoverOnly(e, d); return; }
      if (e.localName === 'iframe' || e.localName === 'frame') {
        if (!hasBox(e)) return;
        const fd = frameDoc(e); // null across origins: the page cannot see in
        const label = '- iframe' + (e.src ? ' [url=' + shortURL(e.src) + ']' : '');
        if (!fd || !fd.body || framePrefix(fd.body) === null) { push(d, label); return; }
        const before = lines.length;
        push(d, label + ':');
        walkChildren(fd.body, d + 1);
        if (lines.length === before + 1) lines[before].t = label;
        return;
      }
      const role = roleOf(e);
      if (interactiveRole(e, role) && (hasBox(e) || e.localName === 'input')) {
        const r = INTERACTIVE_ROLES.has(role) ? role : (role && !TEXTUAL.has(role) && !CONTAINER.has(role) ? role : (e.localName === 'a' ? 'link' : 'button'));
        const name = nameOf(e, r);
        addRef(e, r, name, d);
        // A link or button whose content is its name needs no children; one holding other controls does.
        if (r !== 'textbox' && r !== 'combobox' && r !== 'listbox' && hasInteractive(e)) walkChildren(e, d + 1);
        return;
      }
      if (role === 'heading') {
        const name = textOf(e, 300);
        if (!name) return;
        let line = '- heading ' + q(shorten(name, 200));
        for (const s of states(e, role)) line += ' [' + s + ']';
        push(d, line);
        if (hasInteractive(e)) walkChildren(e, d + 1);
        return;
      }
      if (role === 'img') {
        const alt = nameOf(e, role);
        if (alt && hasBox(e)) push(d, '- img ' + q(shorten(alt, 120)));
        return;
      }
      if (role === 'row') {
        const cells = Array.from(e.children).filter((c) => isShown(c));
        if (!hasInteractive(e)) {
          const t = cells.map((c) => collapse(textOf(c, 300))).join(' | ');
          if (collapse(t.replace(/\|/g, ''))) push(d, '- row: ' + shorten(t, 600));
          return;
        }
        push(d, '- row:');
        walkChildren(e, d + 1);
        return;
      }
      if (TEXTUAL.has(role) || e.getAttribute('role') === 'alert' || e.getAttribute('role') === 'status') {
        const r = e.getAttribute('role') === 'alert' ? 'alert' : e.getAttribute('role') === 'status' ? 'status' : role;
        if (!hasInteractive(e)) {
          const t = textOf(e, 1000);
          if (t) push(d, '- ' + r + ': ' + shorten(t, 1000));
          return;
        }
        push(d, '- ' + r + ':');
        walkChildren(e, d + 1);
        return;
      }
      if (CONTAINER.has(role)) {
        const name = role === 'list' || role === 'table' ? '' : collapse(e.getAttribute('aria-label') || '');
        const before = lines.length;
        push(d, '- ' + role + (name ? ' ' + q(shorten(name, 80)) : '') + ':');
        walkChildren(e, d + 1);
        if (lines.length === before + 1) lines.pop(); // an empty container says nothing
        return;
      }
      walkChildren(e, d);
    };
    let root = document.body || document.documentElement;
    if (o.root) {
      const w = ST.byRef.get(o.root);
      const r = w && w.deref();
      if (!r || !r.isConnected) return { error: 'ref ' + o.root + ' is not on the page now' };
      root = r;
    }
    if (root) { if (o.root) visit(root, 0); else walkChildren(root, 0); }
    let status = 0, redirects = 0;
    try { const nav = performance.getEntriesByType('navigation')[0]; if (nav) { status = nav.responseStatus || 0; redirects = nav.redirectCount || 0; } } catch (err) { /* none */ }
    let passwordVisible = false;
    for (const pw of document.querySelectorAll('input[type=password]')) if (isShown(pw) && hasBox(pw)) { passwordVisible = true; break; }
    return { url: location.href, title: document.title, status, redirects, password_visible: passwordVisible,
      lines, refs, next: ST.next, capped: count >= o.max, unread };
  };

  // ---- resolve a ref -------------------------------------------------------------------------------
  const candidates = () => {
    const out = [];
    const all = document.querySelectorAll('*');
    for (const e of all) {
      const shown = isShown(e);
      if (!shown && !e.matches('a[href],button,input,select,textarea,summary,[role],[onclick],[tabindex]')) continue;
      const role = roleOf(e);
      if (!interactiveRole(e, role)) continue;
      if (!shown && !onHover(e)) continue;
      out.push(e);
    }
    return out;
  };
  const effRole = (e) => {
    const role = roleOf(e);
    return INTERACTIVE_ROLES.has(role) ? role : (role && role !== 'heading' ? role : (e.localName === 'a' ? 'link' : 'button'));
  };
  const selectorToAct = (e, stored) => {
    let prefix = '';
    if (e.ownerDocument !== document) { // in a same-origin iframe: chained through the frames
      prefix = framePrefix(e) || '';
      stored = stored && prefix && stored.startsWith(prefix) ? stored.slice(prefix.length) : '';
    }
    if (stored && unique(e, stored)) return prefix + stored;
    const fresh = selectorFor(e);
    if (fresh) return prefix + fresh;
    const tagged = '[data-sr-ref="' + o.ref + '"]';
    e.setAttribute('data-sr-ref', o.ref);
    return prefix + tagged;
  };
  const resolve = () => {
    const w = ST.byRef.get(o.ref);
    const live = w && w.deref();
    if (live && live.isConnected && (isShown(live) || onHover(live))) return { ok: true, how: 'live', selector: selectorToAct(live, o.selector), password: isPassword(live) };
    const bind = (e, how) => {
      ST.refOf.set(e, o.ref); ST.byRef.set(o.ref, new WeakRef(e));
      return { ok: true, how, selector: selectorToAct(e, ''), password: isPassword(e) };
    };
    // 1. the stable selector still names one element of the same kind
    if (o.selector) {
      let l = [];
      try { l = Array.from(rootOf(document.body || document.documentElement).querySelectorAll(o.selector)); } catch (err) { l = []; }
      l = l.filter((e) => isShown(e) || onHover(e));
      if (l.length === 1 && effRole(l[0]) === o.role && (!o.name || collapse(nameOf(l[0], o.role)) === o.name)) return bind(l[0], 'selector');
    }
    // 2. role and accessible name, at the same position among equals
    const all = candidates();
    const same = all.filter((e) => effRole(e) === o.role && collapse(nameOf(e, o.role)) === o.name);
    if (same.length === 1) return bind(same[0], 'role and name');
    if (same.length > 1) return bind(same[Math.min(o.nth || 0, same.length - 1)], 'role, name and position');
    // 3. the stable selector alone (a renamed button at the same place)
    if (o.selector) {
      let l = [];
      try { l = Array.from(document.querySelectorAll(o.selector)).filter((e) => isShown(e) || onHover(e)); } catch (err) { l = []; }
      if (l.length === 1 && effRole(l[0]) === o.role) return bind(l[0], 'selector, renamed');
    }
    // nothing: say what is closest
    const words = (s) => new Set(collapse(s).toLowerCase().split(/\W+/).filter(Boolean));
    const want = words(o.name + ' ' + (o.text || ''));
    let best = null, bestScore = 0;
    for (const e of all) {
      const r = effRole(e), n = collapse(nameOf(e, r));
      let score = r === o.role ? 1 : 0;
      for (const x of words(n)) if (want.has(x)) score += 2;
      if (score > bestScore) { bestScore = score; best = { role: r, name: shorten(n, 80), ref: ST.refOf.get(e) || '' }; }
    }
    return { ok: false, closest: best, count: all.length };
  };

  const elementFor = () => {
    if (o.ref) { const w = ST.byRef.get(o.ref); const e = w && w.deref(); if (e && e.isConnected) return e; throw new Error('ref ' + o.ref + ' is not on the page now: take a new snapshot'); }
    const e = document.querySelector(o.selector);
    if (!e) throw new Error('no element matches ' + o.selector);
    return e;
  };

  switch (mode) {
    case 'snapshot': return snapshot();
    case 'resolve': return resolve();
    case 'element': return elementFor();
    case 'info': {
      let e = null;
      try { e = document.querySelector(o.selector); } catch (err) { return { found: false }; }
      if (!e) return { found: false };
      return { found: true, password: isPassword(e), checked: !!e.checked, tag: e.localName, type: e.localName === 'input' ? inputType(e) : '' };
    }
    case 'center': {
      const e = document.querySelector(o.selector);
      if (!e) return null;
      e.scrollIntoView({ block: 'center', inline: 'center' });
      const r = e.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    }
    case 'focus': {
      const a = document.activeElement;
      return !!(a && a !== document.body && a !== document.documentElement);
    }
    case 'text': return new Promise((resolveP) => {
      // the page's text and its same-origin frames' (as the snapshot shows them)
      const pageText = (doc, depth) => {
        let t = doc.body ? doc.body.innerText : '';
        if (depth < 5) for (const f of doc.querySelectorAll('iframe,frame')) { const fd = frameDoc(f); if (fd) t += '\n' + pageText(fd, depth + 1); }
        return t;
      };
      const t0 = performance.now();
      const want = collapse(o.text).toLowerCase();
      const check = () => {
        const has = collapse(pageText(document, 0)).toLowerCase().includes(want);
        if (has !== !!o.gone) { mo.disconnect(); resolveP({ ok: true, ms: Math.round(performance.now() - t0) }); return true; }
        if (performance.now() - t0 > o.timeout) { mo.disconnect(); resolveP({ ok: false, ms: Math.round(performance.now() - t0) }); return true; }
        return false;
      };
      const mo = new MutationObserver(() => { check(); });
      if (check()) return;
      mo.observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
      const tick = () => { if (!check()) setTimeout(tick, 100); };
      setTimeout(tick, 100);
    });
  }
  throw new Error('unknown mode ' + mode);
})
