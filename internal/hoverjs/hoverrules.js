// The page's style rules that show an element while another is hovered ('li:hover .destroy {
// display: block }': TodoMVC's ×, a row's actions, a menu after its trigger), as
// [{host, subject}]: host, a selector of the hovered part (its compound, or '*'); subject, a
// selector of what the rule shows. Rules whose hovered element is the subject itself are left
// out (hidden, it cannot be hovered); so are sheets of another origin, which cannot be read.
// At most max rules, @media rules that apply included.
(max) => {
  const split = (text) => {
    const out = [];
    let depth = 0, from = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === '(' || ch === '[') depth++;
      else if (ch === ')' || ch === ']') depth--;
      else if (ch === ',' && depth === 0) { out.push(text.slice(from, i).trim()); from = i + 1; }
    }
    out.push(text.slice(from).trim());
    return out;
  };
  const strip = (x) => x.replace(/:hover\b/g, '').trim();
  const rules = [];
  const walk = (list, n) => {
    for (const r of list) {
      if (rules.length >= max || n > 4) return;
      if (r.media && r.cssRules && !r.selectorText) {
        if (window.matchMedia(r.media.mediaText).matches) { try { walk(r.cssRules, n + 1); } catch (e) { /* unreadable */ } }
        continue;
      }
      if (typeof r.selectorText !== 'string' || !r.selectorText.includes(':hover') || !r.style) continue;
      const d = r.style.display, v = r.style.visibility;
      if (!((d && d !== 'none') || v === 'visible' || v === 'inherit' || v === 'unset')) continue;
      for (const sel of split(r.selectorText)) {
        const k = sel.lastIndexOf(':hover');
        if (k < 0) continue;
        // The hovered compound: what comes before ':hover' and the rest of its compound.
        let e = k + 6, depth = 0;
        for (; e < sel.length; e++) {
          const ch = sel[e];
          if (ch === '(' || ch === '[') depth++;
          else if (ch === ')' || ch === ']') depth--;
          else if (depth === 0 && /[\s>+~]/.test(ch)) break;
        }
        if (e >= sel.length) continue;
        const raw = sel.slice(0, k) + sel.slice(k + 6, e);
        const subject = strip(sel);
        if (subject) rules.push({ host: strip(!raw || /[\s>+~]$/.test(raw) ? raw + '*' : raw), subject });
      }
    }
  };
  for (const sh of document.styleSheets) {
    try { walk(sh.cssRules, 0); } catch (e) { /* another origin's sheet */ }
  }
  return rules;
}
