// The few parts of React and its widget libraries that automation trips on, in plain JS.
window.mini = (() => {
  // React's inputValueTracking: the element's own value (or checked) property is wrapped, and an
  // input/change/click event whose value equals the last one React set or saw is dropped. A
  // script that sets el.value = 'x' and dispatches 'input' changes nothing; typing does.
  function track(el, prop) {
    const d = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), prop);
    let last = String(d.get.call(el));
    Object.defineProperty(el, prop, {
      configurable: true,
      get() { return d.get.call(this); },
      set(v) { last = String(v); d.set.call(this, v); },
    });
    return {
      changed() {
        const v = String(d.get.call(el));
        if (v === last) return false;
        last = v;
        return true;
      },
    };
  }

  // A controlled <input>/<textarea>: it shows get(); a user's change goes to set(v), then the
  // component renders get() again (a change set() refuses is put back, as React does).
  function controlled(el, get, set) {
    const t = track(el, 'value');
    const render = () => { if (el.value !== String(get())) el.value = get(); };
    const on = () => { if (!t.changed()) return; set(el.value); render(); };
    el.addEventListener('input', on);
    el.addEventListener('change', on);
    render();
    return render;
  }

  // A controlled checkbox or radio: React listens for click; the DOM shows get().
  function controlledCheck(el, get, set) {
    const t = track(el, 'checked');
    const render = () => { if (el.checked !== !!get()) el.checked = !!get(); };
    el.addEventListener('click', () => { if (!t.changed()) return; set(el.checked); render(); });
    render();
    return render;
  }

  const h = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v == null) continue;
      if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k === 'style') e.style.cssText = v;
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const k of kids.flat()) if (k != null && k !== false) e.append(k.nodeType ? k : String(k));
    return e;
  };

  // react-select (v3 markup): a control that opens its menu on mousedown, a 2px input under the
  // placeholder, options filtered by what is typed, Enter or Tab or a click choosing the focused
  // option, a blur closing the menu and clearing what was typed.
  // opts: {id, instance, options: [labels], multi, placeholder, disabled(), onChange(values)}
  function reactSelect(root, opts) {
    const st = { open: false, input: '', focused: 0, values: [] };
    const inst = opts.instance;
    root.classList.add('css-2b097c-container');
    const input = h('input', { id: 'react-select-' + inst + '-input', autocapitalize: 'none', autocomplete: 'off',
      autocorrect: 'off', spellcheck: 'false', tabindex: '0', type: 'text', 'aria-autocomplete': 'list',
      style: 'box-sizing:content-box;width:2px;background:0;border:0;font-size:inherit;opacity:1;outline:0;padding:0;color:inherit' });
    const sizer = h('div', { style: 'position:absolute;top:0;left:0;visibility:hidden;height:0;overflow:scroll;white-space:pre' });
    const inputWrap = h('div', { class: 'css-1g6gooi' }, h('div', { style: 'display:inline-block' }, input, sizer));
    const valueBox = h('div', { class: 'css-1hwfws3' + (opts.multi ? ' select__value-container--is-multi' : '') });
    const indicators = h('div', { class: 'css-1wy0on6' }, h('span', { class: 'css-1okebmr-indicatorSeparator' }),
      h('div', { class: 'css-tlfecz-indicatorContainer', 'aria-hidden': 'true' }, '▾'));
    const control = h('div', { class: 'css-yk16xz-control' }, valueBox, indicators);
    const menu = h('div', { class: 'css-26l3qy-menu' });
    root.append(control);
    const t = track(input, 'value');
    const filtered = () => opts.options.filter((o) => !st.values.includes(o) &&
      o.toLowerCase().includes(st.input.toLowerCase()));
    const choose = (o) => {
      st.values = opts.multi ? st.values.concat([o]) : [o];
      st.input = '';
      st.open = false;
      if (opts.onChange) opts.onChange(st.values.slice());
      render();
    };
    const render = () => {
      const dis = opts.disabled && opts.disabled();
      control.className = 'css-yk16xz-control' + (dis ? ' css-14jk2my-container--is-disabled' : '');
      input.disabled = !!dis;
      // Like React, keep the input where it is (moving it would take its focus away).
      for (const k of Array.from(valueBox.childNodes)) if (k !== inputWrap) k.remove();
      if (!inputWrap.isConnected) valueBox.append(inputWrap);
      const add = (e) => valueBox.insertBefore(e, inputWrap);
      if (!st.values.length && !st.input) add(h('div', { class: 'css-1wa3eu0-placeholder' }, opts.placeholder || 'Select...'));
      for (const v of st.values) {
        if (opts.multi) {
          add(h('div', { class: 'css-1rhbuit-multiValue subjects-auto-complete__multi-value' },
            h('div', { class: 'css-12jo7m5 subjects-auto-complete__multi-value__label' }, v),
            h('div', { class: 'css-xb97g8 subjects-auto-complete__multi-value__remove', onmousedown: (e) => {
              e.preventDefault(); e.stopPropagation();
              st.values = st.values.filter((x) => x !== v);
              if (opts.onChange) opts.onChange(st.values.slice());
              render();
            } }, '×')));
        } else if (!st.input) {
          add(h('div', { class: 'css-1uccc91-singleValue' }, v));
        }
      }
      if (input.value !== st.input) input.value = st.input;
      sizer.textContent = st.input;
      input.style.width = (st.input.length ? st.input.length * 9 + 2 : 2) + 'px';
      const list = filtered();
      if (st.focused >= list.length) st.focused = 0;
      menu.replaceChildren();
      if (st.open && !dis) {
        const inner = h('div', { class: 'css-11unzgr' });
        if (!list.length) inner.append(h('div', { class: 'css-1gl4k7y' }, 'No options'));
        list.forEach((o, i) => inner.append(h('div', {
          class: 'css-' + (i === st.focused ? '1n7v3ny' : 'yt9ioa') + '-option', id: 'react-select-' + inst + '-option-' + opts.options.indexOf(o), tabindex: '-1',
          onmousemove: () => { if (st.focused !== i) { st.focused = i; render(); } },
          onmousedown: (e) => e.preventDefault(),
          onclick: () => choose(o),
        }, o)));
        menu.append(inner);
        if (!menu.isConnected) root.append(menu);
      } else if (menu.isConnected) {
        menu.remove();
      }
    };
    control.addEventListener('mousedown', (e) => {
      if (opts.disabled && opts.disabled()) return;
      if (e.target !== input) e.preventDefault();
      input.focus();
      st.open = !st.open || e.target === input;
      render();
    });
    input.addEventListener('input', () => {
      if (!t.changed()) return;
      st.input = input.value;
      st.open = true;
      st.focused = 0;
      render();
    });
    input.addEventListener('keydown', (e) => {
      const list = filtered();
      if (e.key === 'ArrowDown') { e.preventDefault(); if (!st.open) st.open = true; else st.focused = (st.focused + 1) % Math.max(list.length, 1); render(); }
      else if (e.key === 'ArrowUp') { e.preventDefault(); st.focused = (st.focused - 1 + list.length) % Math.max(list.length, 1); render(); }
      else if ((e.key === 'Enter' || e.key === 'Tab') && st.open && list.length) {
        if (e.key === 'Enter') e.preventDefault();
        choose(list[st.focused]);
      } else if (e.key === 'Enter' && st.open) {
        e.preventDefault();
      } else if (e.key === 'Escape') { st.open = false; st.input = ''; render(); }
      else if (e.key === 'Backspace' && !st.input && st.values.length && opts.multi) {
        st.values = st.values.slice(0, -1);
        if (opts.onChange) opts.onChange(st.values.slice());
        render();
      }
    });
    input.addEventListener('blur', () => { st.open = false; st.input = ''; render(); });
    render();
    return { render, values: () => st.values.slice() };
  }

  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  const pad = (n) => String(n).padStart(2, '0');
  // Formats and strict parsers of the two formats DemoQA uses.
  const formats = {
    'dd MMM yyyy': {
      format: (d) => pad(d.getDate()) + ' ' + months[d.getMonth()].slice(0, 3) + ' ' + d.getFullYear(),
      parse: (s) => {
        const m = /^(\d{1,2}) ([A-Za-z]{3}) (\d{4})$/.exec(s.trim());
        if (!m) return null;
        const mo = months.findIndex((x) => x.slice(0, 3).toLowerCase() === m[2].toLowerCase());
        return mo < 0 ? null : valid(+m[3], mo, +m[1]);
      },
    },
    'MM/dd/yyyy': {
      format: (d) => pad(d.getMonth() + 1) + '/' + pad(d.getDate()) + '/' + d.getFullYear(),
      parse: (s) => {
        const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s.trim());
        return m ? valid(+m[3], +m[1] - 1, +m[2]) : null;
      },
    },
  };
  const valid = (y, mo, day) => {
    if (y < 1000) return null;
    const d = new Date(y, mo, day);
    return d.getFullYear() === y && d.getMonth() === mo && d.getDate() === day ? d : null;
  };

  // react-datepicker: a text input showing the selected date; focus opens a calendar under it;
  // while focused it shows what is typed (a date that parses becomes the selection), on blur or
  // Enter the selection formatted again. An emptied input (a script's el.value = '') goes back
  // to the selection.
  function datePicker(input, fmt, initial, onChange) {
    const f = formats[fmt];
    const st = { selected: initial, typed: null, open: false };
    const t = track(input, 'value');
    const pop = h('div', { class: 'react-datepicker-popper', 'data-placement': 'bottom-start',
      style: 'position:absolute;z-index:2;background:#fff;border:1px solid #aeaeae;width:240px;height:230px' });
    const render = () => {
      const want = st.typed !== null ? st.typed : f.format(st.selected);
      if (input.value !== want) input.value = want;
      if (st.open && !pop.isConnected) {
        input.parentElement.append(pop);
      } else if (!st.open && pop.isConnected) {
        pop.remove();
      }
      if (st.open) {
        const d = st.selected;
        pop.replaceChildren(h('div', { class: 'react-datepicker__current-month' }, months[d.getMonth()] + ' ' + d.getFullYear()),
          h('div', { class: 'react-datepicker__month' }, ...Array.from({ length: new Date(d.getFullYear(), d.getMonth() + 1, 0).getDate() }, (_, i) =>
            h('div', { class: 'react-datepicker__day react-datepicker__day--' + pad(i + 1) + (i + 1 === d.getDate() ? ' react-datepicker__day--selected' : ''),
              role: 'option', style: 'display:inline-block;width:30px', onmousedown: (e) => e.preventDefault(),
              onclick: () => { st.selected = new Date(d.getFullYear(), d.getMonth(), i + 1); st.typed = null; st.open = false; onChange && onChange(st.selected); render(); } }, i + 1))));
        const r = input.getBoundingClientRect(), pr = input.parentElement.getBoundingClientRect();
        pop.style.left = (r.left - pr.left) + 'px';
        pop.style.top = (r.bottom - pr.top) + 'px';
      }
    };
    input.parentElement.style.position = 'relative';
    input.addEventListener('focus', () => { st.open = true; render(); });
    input.addEventListener('mousedown', () => { if (!st.open) { st.open = true; render(); } });
    input.addEventListener('input', () => {
      if (!t.changed()) return;
      if (input.value === '') { st.typed = null; render(); return; } // React puts the selection back
      st.typed = input.value;
      const d = f.parse(input.value);
      if (d) { st.selected = d; onChange && onChange(d); }
      render();
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && st.open) e.preventDefault(); // as react-datepicker: no form submission
      if (e.key === 'Enter' || e.key === 'Escape' || e.key === 'Tab') { st.typed = null; st.open = false; render(); }
    });
    input.addEventListener('blur', () => { st.typed = null; st.open = false; render(); });
    render();
    return { selected: () => st.selected, format: (d) => f.format(d) };
  }

  // react-bootstrap's Modal: a backdrop and a dialog that fade and slide in, and out again
  // before they leave the DOM.
  function modal(size, titleId, title, body, footer, onClose) {
    const backdrop = h('div', { class: 'fade modal-backdrop' });
    const close = () => {
      dlg.classList.remove('show');
      backdrop.classList.remove('show');
      setTimeout(() => { dlg.remove(); backdrop.remove(); document.body.classList.remove('modal-open'); onClose && onClose(); }, 300);
    };
    const dlg = h('div', { role: 'dialog', 'aria-modal': 'true', class: 'fade modal', tabindex: '-1', style: 'display:block',
      onclick: (e) => { if (e.target === dlg) close(); } },
    h('div', { class: 'modal-dialog modal-' + size },
      h('div', { class: 'modal-content' },
        h('div', { class: 'modal-header' }, h('div', { class: 'modal-title h4', id: titleId }, title),
          h('button', { type: 'button', class: 'close', onclick: close }, h('span', { 'aria-hidden': 'true' }, '×'), h('span', { class: 'sr-only' }, 'Close'))),
        h('div', { class: 'modal-body' }, body),
        footer ? h('div', { class: 'modal-footer' }, footer(close)) : null)));
    document.body.classList.add('modal-open');
    document.body.append(dlg, backdrop);
    dlg.offsetWidth; // start the transitions from the hidden state
    dlg.classList.add('show');
    backdrop.classList.add('show');
    return { el: dlg, close };
  }

  return { track, controlled, controlledCheck, h, reactSelect, datePicker, modal, months };
})();
