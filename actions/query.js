// The selector engines, shared by locate.js and the Fill read-back: (sel, scope) => Element[] in
// document order, or throws an Error whose .selector is true when sel itself is wrong (the
// message says how). Syntax (doc.go has the reference):
//
//   css=…  or plain CSS      querySelectorAll; when nothing matches in the light DOM, open shadow
//                            roots are searched too
//   text=Add to cart         normalised text (whitespace and &nbsp; collapsed), case-insensitive
//                            substring; the innermost elements that match (the result's
//                            .whole: those whose whole text it is)
//   text="Add to cart"       the same, whole text, case-sensitive; text=/re/i a regular expression
//   role=button[name="Go"]   implicit or explicit ARIA role and accessible name (substring,
//                            case-insensitive; [name="Go" s] exact); hidden elements excluded
//   xpath=//a | //a | (//a)  document.evaluate
//   a >>> b                  b inside what a matched: its open shadow root, its same-origin
//                            iframe's document, or else its subtree
(sel, scope) => {
  const fail = (msg) => { const e = new Error(msg); e.selector = true; throw e; };
  const norm = (s) => String(s == null ? '' : s).replace(/[\s\u00a0\u200b]+/g, ' ').trim();

  // Split s where sepAt(s, i) finds a separator (its length) outside quotes, brackets and
  // parentheses.
  const splitTop = (s, sepAt) => {
    const out = [];
    let depth = 0, q = '', start = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s[i];
      if (q) { if (c === '\\') i++; else if (c === q) q = ''; continue; }
      if (c === '"' || c === "'") q = c;
      else if (c === '[' || c === '(') depth++;
      else if (c === ']' || c === ')') depth--;
      else if (depth === 0) {
        const n = sepAt(s, i);
        if (n) { out.push(s.slice(start, i)); start = i + n; i += n - 1; }
      }
    }
    out.push(s.slice(start));
    return out;
  };
  // The steps of a chain: ">>>", or Playwright's ">>".
  const splitChain = (s) => splitTop(s, (x, i) => (x.startsWith('>>>', i) ? 3 : x.startsWith('>>', i) ? 2 : 0)).map((x) => x.trim());

  const unquote = (v) => {
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) {
      return v.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    return null;
  };
  // A text matcher: "exact" (case-sensitive, whole), /re/flags, or a case-insensitive substring.
  const matcher = (q, what, exactFlag) => {
    const exact = unquote(q);
    if (exact !== null) {
      const want = norm(exact);
      if (exactFlag === 'i') return (t) => norm(t).toLowerCase() === want.toLowerCase();
      return (t) => norm(t) === want;
    }
    const re = /^\/([\s\S]+)\/([dgimsuvy]*)$/.exec(q);
    if (re) {
      let rx;
      try { rx = new RegExp(re[1], re[2].replace('g', '')); } catch (e) { fail(what + ': ' + e.message); }
      return (t) => rx.test(norm(t));
    }
    const low = norm(q).toLowerCase();
    if (!low) fail(what + ': empty text');
    if (exactFlag === 's') return (t) => norm(t) === norm(q);
    const m = (t) => norm(t).toLowerCase().includes(low);
    // A substring match knows the matches that are the whole text: an action that needs one
    // element takes the one of those when the substring matched several ("Click Me" beside
    // "Double Click Me").
    m.whole = (t) => norm(t).toLowerCase() === low;
    m.same = (t) => norm(t) === norm(q); // and in the same case ("Commands", not "commands")
    return m;
  };

  const SKIP = new Set(['script', 'style', 'noscript', 'template', 'head', 'title', 'meta', 'link']);
  // Every element under root, shadow trees included (document order, shadow content first).
  const allElements = (root, out) => {
    const visit = (node) => {
      for (let c = node.firstElementChild; c; c = c.nextElementSibling) {
        out.push(c);
        if (c.shadowRoot) visit(c.shadowRoot);
        visit(c);
      }
    };
    if (root.nodeType === 1 && root.shadowRoot) visit(root.shadowRoot);
    visit(root);
    return out;
  };
  const shadowRoots = (root) => {
    const out = [];
    const visit = (r) => {
      for (const e of r.querySelectorAll('*')) if (e.shadowRoot) { out.push(e.shadowRoot); visit(e.shadowRoot); }
    };
    visit(root);
    return out;
  };

  // Visible as Playwright means it: a non-empty box, not visibility:hidden.
  const isVisible = (e) => {
    const r = e.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0) return false;
    return !e.checkVisibility || e.checkVisibility({ visibilityProperty: true });
  };
  const textOf = (e) => { const bv = buttonValue(e); return bv !== null ? bv : e.textContent || ''; };
  const docOrder = (a, b) => (a === b ? 0 : (a.compareDocumentPosition(b) & 4 ? -1 : 1));

  // Playwright's pseudo-classes inside CSS: :has-text("x") (its text holds x, any case),
  // :text("x") (the smallest element whose text holds x), :text-is("x") (whose whole text is x),
  // :text-matches("re", "i"), :visible. They are taken out of each compound, the rest of which
  // the browser matches, and applied as filters, compound by compound from the left.
  const EXT = /^:(has-text|text-is|text-matches|text|visible)(?![\w-])/;
  const hasExt = (s) => /:(has-text|text-is|text-matches|text|visible)(?![\w-])/.test(s);
  const extFilter = (name, args) => {
    if (name === 'visible') return isVisible;
    const arg = (k) => { const a = (args[k] || '').trim(); const q = unquote(a); return q !== null ? q : a; };
    const want = arg(0);
    if (!want && name !== 'text-is') fail(':' + name + '() needs a text, as in :' + name + '("Log in")');
    let m;
    if (name === 'text-matches') {
      let rx;
      try { rx = new RegExp(want, arg(1)); } catch (e) { fail(':text-matches(): ' + e.message); }
      m = (t) => rx.test(norm(t));
    } else if (name === 'text-is') {
      m = (t) => norm(t) === norm(want);
    } else {
      const low = norm(want).toLowerCase();
      m = (t) => norm(t).toLowerCase().includes(low);
    }
    if (name === 'has-text') return (e) => m(textOf(e));
    // the smallest: no child element's text matches too
    return (e) => m(textOf(e)) && !Array.from(e.children).some((c) => m(textOf(c)));
  };
  // One complex selector ("div.card:has-text('Pro') > button:visible") as compounds, each with
  // the combinator before it, its native part and its filters.
  const parseExt = (s) => {
    const parts = [];
    let cur = '', filters = [], comb = null, pending = null, depth = 0, q = '';
    const end = () => {
      if (!cur.trim() && filters.length === 0) return;
      parts.push({ comb, native: cur.trim() || '*', filters });
      cur = ''; filters = []; comb = null;
    };
    for (let i = 0; i < s.length; i++) {
      const c = s[i];
      if (q) { cur += c; if (c === '\\') { cur += s[++i] || ''; } else if (c === q) q = ''; continue; }
      if (c === '"' || c === "'") { q = c; cur += c; continue; }
      if (c === '(' || c === '[') { depth++; cur += c; continue; }
      if (c === ')' || c === ']') { depth--; cur += c; continue; }
      if (depth === 0 && /\s/.test(c)) { if (cur.trim() || filters.length) { end(); pending = ' '; } continue; }
      if (depth === 0 && (c === '>' || c === '+' || c === '~')) { end(); pending = c; continue; }
      if (depth === 0 && c === ':' && /^:has\(/.test(s.slice(i))) {
        // :has() around one of them ('.card:has(h2:text-is("Pro"))'): a filter of its own
        let d = 0, qq = '', j = i + 4;
        for (; j < s.length; j++) {
          const ch = s[j];
          if (qq) { if (ch === '\\') j++; else if (ch === qq) qq = ''; continue; }
          if (ch === '"' || ch === "'") qq = ch;
          else if (ch === '(') d++;
          else if (ch === ')') { d--; if (d === 0) break; }
        }
        const arg = s.slice(i + 5, j);
        if (j < s.length && hasExt(arg)) {
          if (!cur.trim() && filters.length === 0) { comb = parts.length ? pending || ' ' : pending; pending = null; }
          const rel = splitList(arg).map((a) => parseExt(a.trim()));
          filters.push((e) => rel.some((parts) => evalExt(parts, e, true).length > 0));
          i = j;
          continue;
        }
      }
      if (depth === 0 && c === ':') {
        const m = EXT.exec(s.slice(i));
        if (m) {
          if (!cur.trim() && filters.length === 0) { comb = parts.length ? pending || ' ' : pending; pending = null; }
          let j = i + m[0].length;
          const args = [];
          if (s[j] === '(') {
            let d = 0, qq = '', from = j + 1;
            for (; j < s.length; j++) {
              const ch = s[j];
              if (qq) { if (ch === '\\') j++; else if (ch === qq) qq = ''; continue; }
              if (ch === '"' || ch === "'") qq = ch;
              else if (ch === '(') d++;
              else if (ch === ')') { d--; if (d === 0) break; }
              else if (ch === ',' && d === 1) { args.push(s.slice(from, j)); from = j + 1; }
            }
            if (j >= s.length) fail('unclosed :' + m[1] + '(');
            args.push(s.slice(from, j));
          } else {
            j -= 1;
          }
          if (m[1] !== 'visible' && args.length === 0) fail(':' + m[1] + ' needs its text in parentheses, as in :' + m[1] + '("Log in")');
          filters.push(extFilter(m[1], args));
          i = j;
          continue;
        }
      }
      if (!cur.trim() && filters.length === 0) { comb = parts.length ? pending || ' ' : pending; pending = null; }
      cur += c;
    }
    end();
    if (parts.length === 0) fail('empty CSS selector');
    return parts;
  };
  const all = (root, native) => {
    try { return Array.from(root.querySelectorAll(native)); } catch (e) { fail(String(e && e.message || e)); }
  };
  const is = (e, native) => {
    try { return e.matches(native); } catch (x) { fail(String(x && x.message || x)); }
  };
  // From root's descendants; relative (inside :has()): from root itself, by each combinator.
  const evalExt = (parts, root, relative) => {
    let cur = relative ? [root] : null;
    for (const p of parts) {
      let cand;
      if (cur === null) cand = all(root, p.native);
      else {
        const seen = new Set();
        cand = [];
        for (const c of cur) {
          let got;
          if (p.comb === '>') got = Array.from(c.children).filter((x) => is(x, p.native));
          else if (p.comb === '+') got = c.nextElementSibling && is(c.nextElementSibling, p.native) ? [c.nextElementSibling] : [];
          else if (p.comb === '~') { got = []; for (let x = c.nextElementSibling; x; x = x.nextElementSibling) if (is(x, p.native)) got.push(x); }
          else got = all(c, p.native);
          for (const g of got) if (!seen.has(g)) { seen.add(g); cand.push(g); }
        }
        cand.sort(docOrder);
      }
      cur = cand.filter((e) => p.filters.every((f) => f(e)));
    }
    return cur;
  };
  // Top-level commas of a selector list.
  const splitList = (s) => splitTop(s, (x, i) => (x[i] === ',' ? 1 : 0));
  const cssExt = (s, root) => {
    const lists = splitList(s).map(parseExt);
    const run = (r) => {
      const set = new Set();
      for (const parts of lists) for (const e of evalExt(parts, r)) set.add(e);
      return Array.from(set).sort(docOrder);
    };
    let list = run(root);
    if (list.length === 0) for (const sr of shadowRoots(root)) list.push(...run(sr));
    return list;
  };

  const css = (s, root) => {
    if (!s) fail('empty CSS selector');
    if (hasExt(s)) return cssExt(s, root);
    let list;
    try { list = Array.from(root.querySelectorAll(s)); } catch (e) { fail(String(e && e.message || e)); }
    if (list.length === 0) for (const sr of shadowRoots(root)) list.push(...sr.querySelectorAll(s));
    return list;
  };

  const buttonValue = (e) => {
    if (e.localName !== 'input') return null;
    const t = (e.type || '').toLowerCase();
    if (t === 'button' || t === 'submit' || t === 'reset') return e.value || (t === 'submit' ? 'Submit' : t === 'reset' ? 'Reset' : '');
    return null;
  };
  // The innermost elements whose text matches: a <button><span>Go</span></button> gives the span.
  const text = (q, root) => {
    const m = matcher(q, 'text=');
    const out = [], whole = [], same = [];
    if (m.whole) { out.whole = whole; out.same = same; }
    const walk = (node) => {
      let t = '', inside = false;
      const kids = [];
      if (node.nodeType === 1 && node.shadowRoot) kids.push(...node.shadowRoot.childNodes);
      kids.push(...node.childNodes);
      for (const c of kids) {
        if (c.nodeType === 3) t += c.data;
        else if (c.nodeType === 1) {
          if (SKIP.has(c.localName)) continue;
          if (c.localName === 'br') { t += ' '; continue; }
          const [ct, ci] = walk(c);
          t += ct;
          inside = inside || ci;
        }
      }
      if (node.nodeType === 1 && !inside) {
        const bv = buttonValue(node);
        const own = bv !== null ? bv : t;
        if (m(own)) {
          out.push(node);
          inside = true;
          if (m.whole && m.whole(own)) whole.push(node);
          if (m.same && m.same(own)) same.push(node);
        }
      }
      return [t, inside];
    };
    walk(root);
    return out;
  };

  // ARIA: implicit roles of the common elements.
  const implicitRole = (e) => {
    const t = e.localName;
    const type = (e.getAttribute('type') || '').toLowerCase();
    switch (t) {
      case 'button': case 'summary': return 'button';
      case 'a': case 'area': return e.hasAttribute('href') ? 'link' : null;
      case 'input':
        if (['button', 'submit', 'reset', 'image'].includes(type)) return 'button';
        if (type === 'checkbox') return 'checkbox';
        if (type === 'radio') return 'radio';
        if (type === 'range') return 'slider';
        if (type === 'number') return 'spinbutton';
        if (type === 'search') return e.hasAttribute('list') ? 'combobox' : 'searchbox';
        if (['', 'text', 'email', 'tel', 'url'].includes(type)) return e.hasAttribute('list') ? 'combobox' : 'textbox';
        return null;
      case 'textarea': return 'textbox';
      case 'select': return e.multiple || e.size > 1 ? 'listbox' : 'combobox';
      case 'option': return 'option';
      case 'h1': case 'h2': case 'h3': case 'h4': case 'h5': case 'h6': return 'heading';
      case 'img': return e.getAttribute('alt') === '' ? 'presentation' : 'img';
      case 'ul': case 'ol': case 'menu': return 'list';
      case 'li': return 'listitem';
      case 'nav': return 'navigation';
      case 'main': return 'main';
      case 'aside': return 'complementary';
      case 'article': return 'article';
      case 'header': return e.closest('article,aside,main,nav,section') ? null : 'banner';
      case 'footer': return e.closest('article,aside,main,nav,section') ? null : 'contentinfo';
      case 'section': return e.hasAttribute('aria-label') || e.hasAttribute('aria-labelledby') ? 'region' : null;
      case 'form': return 'form';
      case 'dialog': return 'dialog';
      case 'table': return 'table';
      case 'thead': case 'tbody': case 'tfoot': return 'rowgroup';
      case 'tr': return 'row';
      case 'td': return 'cell';
      case 'th': return e.getAttribute('scope') === 'row' ? 'rowheader' : 'columnheader';
      case 'fieldset': case 'details': return 'group';
      case 'progress': return 'progressbar';
      case 'hr': return 'separator';
      case 'p': return 'paragraph';
      case 'output': return 'status';
    }
    return null;
  };
  const roleOf = (e) => {
    const r = (e.getAttribute('role') || '').trim().toLowerCase().split(/\s+/)[0];
    return r || implicitRole(e);
  };
  const FROM_CONTENT = new Set(['button', 'link', 'heading', 'cell', 'columnheader', 'rowheader', 'gridcell',
    'checkbox', 'radio', 'switch', 'option', 'tab', 'menuitem', 'menuitemcheckbox', 'menuitemradio',
    'treeitem', 'tooltip', 'row', 'listitem', 'legend']);
  const hiddenForA11y = (e) => {
    for (let n = e; n; n = n.parentElement || (n.getRootNode && n.getRootNode().host)) {
      if (n.nodeType === 1 && n.getAttribute('aria-hidden') === 'true') return true;
    }
    if (e.checkVisibility) return !e.checkVisibility({ visibilityProperty: true });
    return false;
  };
  const byIds = (e, ids) => {
    const root = e.getRootNode();
    return ids.split(/\s+/).filter(Boolean).map((id) => (root.getElementById ? root.getElementById(id) : null) || e.ownerDocument.getElementById(id)).filter(Boolean);
  };
  const contentText = (e, depth) => {
    let t = '';
    const kids = [];
    if (e.shadowRoot) kids.push(...e.shadowRoot.childNodes);
    kids.push(...e.childNodes);
    for (const c of kids) {
      if (c.nodeType === 3) t += c.data;
      else if (c.nodeType === 1 && !SKIP.has(c.localName)) {
        if (c.getAttribute('aria-hidden') === 'true') continue;
        if (c.checkVisibility && !c.checkVisibility({ visibilityProperty: true })) continue;
        const block = getComputedStyle(c).display !== 'inline';
        t += block ? ' ' + nameOf(c, depth + 1, true) + ' ' : nameOf(c, depth + 1, true);
      }
    }
    return norm(t);
  };
  // The accessible name, after the accname spec's main steps.
  const nameOf = (e, depth, embedded) => {
    if (depth > 20) return '';
    const lb = !embedded && e.getAttribute('aria-labelledby');
    if (lb) {
      const refs = byIds(e, lb);
      if (refs.length) return norm(refs.map((r) => contentText(r, depth + 1)).join(' '));
    }
    const al = norm(e.getAttribute('aria-label'));
    if (al) return al;
    const t = e.localName;
    const bv = buttonValue(e);
    if (bv !== null) return norm(bv);
    if (t === 'input' && (e.type || '').toLowerCase() === 'image') return norm(e.getAttribute('alt') || e.value || 'Submit');
    if (embedded && (t === 'input' || t === 'textarea')) return norm(e.value);
    if (!embedded && (t === 'input' || t === 'textarea' || t === 'select' || t === 'meter' || t === 'progress' || t === 'output')) {
      if (e.labels && e.labels.length) return norm(Array.from(e.labels).map((l) => contentText(l, depth + 1)).join(' '));
      return norm(e.getAttribute('title') || e.getAttribute('placeholder') || '');
    }
    if (t === 'img' || t === 'area') return norm(e.getAttribute('alt') || e.getAttribute('title') || '');
    if (t === 'fieldset') { const l = e.querySelector(':scope > legend'); if (l) return contentText(l, depth + 1); }
    if (t === 'table') { const c = e.querySelector(':scope > caption'); if (c) return contentText(c, depth + 1); }
    if (embedded || FROM_CONTENT.has(roleOf(e))) {
      const c = contentText(e, depth);
      if (c) return c;
    }
    return norm(e.getAttribute('title') || '');
  };

  const ROLE_ATTRS = new Set(['name', 'exact', 'checked', 'disabled', 'expanded', 'pressed', 'selected', 'level', 'include-hidden']);
  const role = (body, root) => {
    const m = /^([a-zA-Z][a-zA-Z-]*)\s*([\s\S]*)$/.exec(body);
    if (!m) fail('role=: expected a role name, as in role=button[name="Save"]');
    const want = m[1].toLowerCase();
    let rest = m[2];
    const attrs = {};
    const attrRe = /^\[\s*([a-zA-Z-]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\/(?:[^/\\]|\\.)+\/[a-z]*|[^\]\s]+))?\s*([is])?\s*\]\s*/;
    while (rest) {
      const a = attrRe.exec(rest);
      if (!a) fail('role=: cannot read ' + JSON.stringify(rest) + ' (attributes look like [name="Save"], [checked], [level=2])');
      const k = a[1].toLowerCase();
      if (!ROLE_ATTRS.has(k)) fail('role=: unknown attribute [' + k + '] (known: ' + Array.from(ROLE_ATTRS).join(', ') + ')');
      attrs[k] = { v: a[2] === undefined ? true : a[2], flag: a[3] };
      rest = rest.slice(a[0].length);
    }
    let nameM = null;
    if (attrs.name) {
      const v = attrs.name.v;
      if (v === true) fail('role=: [name] needs a value');
      let flag = attrs.name.flag;
      if (attrs.exact && String(attrs.exact.v) !== 'false') flag = 's';
      const q = unquote(v);
      if (q === null) nameM = matcher(v, 'role= name', flag);
      else if (flag === 's') nameM = (t) => norm(t) === norm(q);
      else {
        nameM = (t) => norm(t).toLowerCase().includes(norm(q).toLowerCase());
        nameM.whole = (t) => norm(t).toLowerCase() === norm(q).toLowerCase();
        nameM.same = (t) => norm(t) === norm(q);
      }
    }
    const bool = (k) => attrs[k] ? String(attrs[k].v).replace(/^["']|["']$/g, '') !== 'false' : undefined;
    const out = [], whole = [], same = [];
    if (nameM && nameM.whole) { out.whole = whole; out.same = same; }
    for (const e of allElements(root, [])) {
      if (roleOf(e) !== want) continue;
      if (!attrs['include-hidden'] && hiddenForA11y(e)) continue;
      if (attrs.level) {
        const lv = Number(e.getAttribute('aria-level') || (/^h([1-6])$/.exec(e.localName) || [])[1]);
        if (lv !== Number(String(attrs.level.v).replace(/["']/g, ''))) continue;
      }
      const chk = bool('checked');
      if (chk !== undefined) {
        const c = e.getAttribute('aria-checked') === 'true' || e.checked === true;
        if (c !== chk) continue;
      }
      const dis = bool('disabled');
      if (dis !== undefined && ((e.disabled === true || e.getAttribute('aria-disabled') === 'true') !== dis)) continue;
      const states = ['expanded', 'pressed', 'selected'].filter((k) => bool(k) !== undefined);
      if (states.some((k) => (e.getAttribute('aria-' + k) === 'true' || (k === 'selected' && e.selected === true)) !== bool(k))) continue;
      if (nameM) {
        const name = nameOf(e, 0, false);
        if (!nameM(name)) continue;
        if (nameM.whole && nameM.whole(name)) whole.push(e);
        if (nameM.same && nameM.same(name)) same.push(e);
      }
      out.push(e);
    }
    return out;
  };

  const xpath = (expr, root) => {
    if (!expr) fail('empty XPath');
    const doc = root.nodeType === 9 ? root : root.ownerDocument;
    const ctx = root.nodeType === 11 ? root.host : root;
    let r;
    try { r = doc.evaluate(expr, ctx, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null); } catch (e) { fail('invalid XPath: ' + String(e && e.message || e)); }
    const out = [];
    for (let i = 0; i < r.snapshotLength; i++) {
      const n = r.snapshotItem(i);
      const el = n.nodeType === 1 ? n : (n.parentElement || (n.ownerElement) || null);
      if (el && out[out.length - 1] !== el && !out.includes(el)) out.push(el);
    }
    return out;
  };

  // Playwright's attribute engines: id=main, data-testid=submit (quoted or not).
  const attrEngine = (name) => (v, root) => {
    const q = unquote(v);
    return css('[' + name + '=' + JSON.stringify(q !== null ? q : v) + ']', root);
  };
  const ENGINES = { css, text, role, xpath, id: attrEngine('id'), 'data-testid': attrEngine('data-testid'),
    'data-test-id': attrEngine('data-test-id'), 'data-test': attrEngine('data-test') };
  const one = (step, root) => {
    if (!step) fail('empty selector step');
    const m = /^([a-zA-Z][\w-]*)=([\s\S]*)$/.exec(step);
    if (m) {
      const eng = ENGINES[m[1].toLowerCase()];
      if (!eng) fail('unknown selector engine "' + m[1] + '=" (known: css=, text=, role=, xpath=, id=, data-testid=)');
      return eng(m[2].trim(), root);
    }
    if (step === '..' || /^\(*\.{0,2}\//.test(step)) return xpath(step, root); // '..': the parent, in a chain
    return css(step, root);
  };
  // What ">>>" steps into.
  const inside = (e) => {
    if (e.shadowRoot) return e.shadowRoot;
    if (e.localName === 'iframe' || e.localName === 'frame') {
      let d = null;
      try { d = e.contentDocument; } catch (x) { d = null; }
      if (!d) fail('cannot reach into ' + e.localName + (e.id ? '#' + e.id : '') + ' (' + (e.src || 'no src') + '): a cross-origin frame; open its URL with Navigate instead');
      return d;
    }
    return e;
  };

  const steps = splitChain(String(sel));
  let roots = [scope || document];
  let found = [], whole = null, same = null;
  steps.forEach((step, i) => {
    // Playwright's filters of the matches so far: "… >> nth=0" (from the end when negative),
    // "… >> visible=true".
    const nth = i > 0 && /^nth\s*=\s*(-?\d+)$/.exec(step);
    if (nth) {
      const n = Number(nth[1]);
      const e = found[n < 0 ? found.length + n : n];
      found = e ? [e] : [];
      whole = same = null;
      return;
    }
    const vis = i > 0 && /^visible\s*=\s*(true|false)$/.exec(step);
    if (vis) {
      found = found.filter((e) => isVisible(e) === (vis[1] === 'true'));
      whole = same = null;
      return;
    }
    if (i > 0) roots = found.map(inside);
    const seen = new Set();
    found = [];
    whole = null;
    same = null;
    for (const r of roots) {
      const got = one(step, r);
      if (got.whole) { whole = whole || new Set(); same = same || new Set(); }
      for (const e of got.whole || []) whole.add(e);
      for (const e of got.same || []) same.add(e);
      for (const e of got) if (!seen.has(e)) { seen.add(e); found.push(e); }
    }
  });
  // found.whole: the matches of a text= or role=[name=…] substring whose whole text (name) is
  // the one asked for, in document order (when several are, those in the same case too); absent
  // for other selectors.
  if (whole) {
    found.whole = found.filter((e) => whole.has(e));
    const cased = found.whole.filter((e) => same.has(e));
    if (found.whole.length > 1 && cased.length > 0) found.whole = cased;
  }
  return found;
}
