// Swag Labs (saucedemo.com), replicated in plain JS: a single-page app whose router, controlled
// inputs and re-rendering behave as the real site's React does where automation notices.
(() => {
  const USERS = ['standard_user', 'locked_out_user', 'problem_user', 'performance_glitch_user', 'error_user', 'visual_user'];
  const PASSWORD = 'secret_sauce';
  const ITEMS = [
    { id: 0, name: 'Sauce Labs Bike Light', price: 9.99, img: 'bike-light-1200x1500',
      desc: "A red light isn't the desired state in testing but it sure helps when riding your bike at night. Water-resistant with 3 lighting modes, 1 AAA battery included." },
    { id: 1, name: 'Sauce Labs Bolt T-Shirt', price: 15.99, img: 'bolt-shirt-1200x1500',
      desc: 'Get your testing superhero on with the Sauce Labs bolt T-shirt. From American Apparel, 100% ringspun combed cotton, heather gray with red bolt.' },
    { id: 2, name: 'Sauce Labs Onesie', price: 7.99, img: 'red-onesie-1200x1500',
      desc: "Rib snap infant onesie for the junior automation engineer in development. Reinforced 3-snap bottom closure, two-needle hemmed sleeved and bottom won't unravel." },
    { id: 3, name: 'Test.allTheThings() T-Shirt (Red)', price: 15.99, img: 'red-tatt-1200x1500',
      desc: 'This classic Sauce Labs t-shirt is perfect to wear when cozying up to your keyboard to automate a few tests. Super-soft and comfy ringspun combed cotton.' },
    { id: 4, name: 'Sauce Labs Backpack', price: 29.99, img: 'sauce-backpack-1200x1500',
      desc: 'carry.allTheThings() with the sleek, streamlined Sly Pack that melds uncompromising style with unequaled laptop and tablet protection.' },
    { id: 5, name: 'Sauce Labs Fleece Jacket', price: 49.99, img: 'sauce-pullover-1200x1500',
      desc: "It's not every day that you come across a midweight quarter-zip fleece jacket capable of handling everything from a relaxing day outdoors to a busy day at the office." },
  ];
  const GLITCH_MS = window.SAUCE_GLITCH_MS || 5000;

  // The session is a cookie the page sets itself (js-cookie, 10 minutes), the cart is in
  // localStorage: the server knows neither.
  const user = () => {
    const m = document.cookie.match(/(?:^|;\s*)session-username=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : undefined;
  };
  const setUser = (u) => {
    document.cookie = 'session-username=' + encodeURIComponent(u) + '; expires=' + new Date(Date.now() + 600000).toUTCString() + '; path=/';
  };
  const removeUser = () => { document.cookie = 'session-username=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/'; };
  const is = (u) => user() === u;
  const loggedIn = () => USERS.includes(user()) && user() !== 'locked_out_user';

  const listeners = new Set();
  const cart = {
    get() { const v = localStorage.getItem('cart-contents'); return v == null ? [] : JSON.parse(v); },
    set(v) { localStorage.setItem('cart-contents', JSON.stringify(v)); listeners.forEach((f) => f()); },
    add(id) { const c = cart.get(); if (!c.includes(id)) { c.push(id); cart.set(c); } },
    remove(id) { const c = cart.get(); const i = c.indexOf(id); if (i >= 0) { c.splice(i, 1); cart.set(c); } },
    has(id) { return cart.get().includes(id); },
    reset() { localStorage.removeItem('cart-contents'); listeners.forEach((f) => f()); },
  };

  const h = (tag, attrs, ...kids) => {
    const svg = tag === 'svg' || tag === 'path';
    const e = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v == null) continue;
      if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const k of kids.flat()) if (k != null && k !== false) e.append(k.nodeType ? k : String(k));
    return e;
  };
  const icon = (cls, d) => h('svg', { 'aria-hidden': 'true', focusable: 'false', 'data-prefix': 'fas', class: 'svg-inline--fa ' + cls,
    role: 'img', xmlns: 'http://www.w3.org/2000/svg', viewBox: '0 0 512 512' }, h('path', { fill: 'currentColor', d }));
  const xmark = () => icon('fa-xmark', 'M96 96l320 320M416 96L96 416');
  const circleX = () => icon('fa-circle-xmark error_icon', 'M256 16a240 240 0 1 0 0 480a240 240 0 1 0 0-480z');
  const slug = (s) => s.replace(/\s+/g, '-').toLowerCase();
  const img = (it, i) => '/static/media/' + (is('problem_user') || (is('visual_user') && i === 0) ? 'sl-404' : it.img) + '.jpg';

  // React's value tracking: the element's value property is wrapped, and an input or change
  // event whose value equals the last one set or seen is dropped. A script that sets
  // el.value = 'x' and dispatches 'input' changes nothing; typing does.
  function tracked(el, prop) {
    const d = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), prop);
    let last = String(d.get.call(el));
    Object.defineProperty(el, prop, {
      configurable: true,
      get() { return d.get.call(this); },
      set(v) { last = String(v); d.set.call(this, v); },
    });
    return () => { const v = String(d.get.call(el)); if (v === last) return false; last = v; return true; };
  }
  // A controlled input: it shows get(); a change goes to onChange(value), then the DOM is put
  // back to get() (React restores a controlled value after the handler, even one that threw).
  function controlled(el, get, onChange) {
    const changed = tracked(el, 'value');
    const restore = () => { if (el.value !== String(get())) el.value = get(); };
    const on = () => { if (!changed()) return; try { onChange(el.value); } finally { restore(); } };
    el.addEventListener('input', on);
    el.addEventListener('change', on);
    restore();
    return restore;
  }

  // The router: history.pushState, a render per route, no page load.
  let root;
  function go(path, state) { history.pushState(state || null, '', path); render(); }
  addEventListener('popstate', () => render());

  function render() {
    listeners.clear();
    window.scrollTo(0, 0);
    const path = location.pathname;
    const page = PAGES[path];
    if (!page) { root.replaceChildren(h('div', { class: 'not_found' }, 'Not found')); return; }
    if (path !== '/' && !loggedIn()) {
      history.replaceState({ from: path }, '', '/');
      root.replaceChildren(login());
      return;
    }
    root.replaceChildren(page());
  }

  function errorBox(get, dismiss, prefix) {
    const box = h('div', { class: 'error-message-container' });
    const show = () => {
      const err = get();
      box.className = 'error-message-container' + (err ? ' error' : '');
      box.replaceChildren();
      if (err) box.append(h('h3', { 'data-test': 'error' }, h('button', { type: 'button', class: 'error-button', 'data-test': 'error-button', onclick: dismiss }, xmark()), prefix + err));
    };
    show();
    return { el: box, show };
  }

  // An input that shows errors as the real InputError does: class "error" and an icon after it.
  function field(attrs, get, onChange, hasError) {
    const input = h('input', Object.assign({ class: 'input_error form_input', type: 'text', value: '', autocorrect: 'off', autocapitalize: 'none' }, attrs));
    const group = h('div', { class: 'form_group' }, input);
    const restore = controlled(input, get, onChange);
    const show = () => {
      restore();
      input.className = 'input_error form_input' + (hasError() ? ' error' : '');
      const ic = group.querySelector('.error_icon');
      if (hasError() && !ic) group.append(circleX());
      if (!hasError() && ic) ic.remove();
    };
    return { el: group, input, show };
  }

  function login() {
    const st = { username: '', password: '', error: '' };
    if (history.state && history.state.from) st.error = "You can only access '" + history.state.from + "' when you are logged in.";
    const fields = [];
    const update = () => { fields.forEach((f) => f.show()); err.show(); };
    const set = (k) => (v) => { st[k] = v; update(); };
    fields.push(field({ placeholder: 'Username', 'data-test': 'username', id: 'user-name', name: 'user-name' }, () => st.username, set('username'), () => !!st.error));
    fields.push(field({ placeholder: 'Password', type: 'password', 'data-test': 'password', id: 'password', name: 'password' }, () => st.password, set('password'), () => !!st.error));
    const err = errorBox(() => st.error, () => { st.error = ''; update(); }, 'Epic sadface: ');
    const submit = (e) => {
      e.preventDefault();
      const fail = (m) => { st.error = m; update(); };
      if (!st.username) return fail('Username is required');
      if (!st.password) return fail('Password is required');
      if (st.password !== PASSWORD || !USERS.includes(st.username)) return fail('Username and password do not match any user in this service');
      setUser(st.username);
      if (is('locked_out_user')) return fail('Sorry, this user has been locked out.');
      go('/inventory.html');
    };
    update();
    return h('div', { class: 'login_container' },
      h('div', { class: 'login_logo' }, 'Swag Labs'),
      h('div', { class: 'login_wrapper', 'data-test': 'login-container' },
        h('div', { class: 'login_wrapper-inner' },
          h('div', { id: 'login_button_container', class: 'form_column' },
            h('div', { class: 'login-box' },
              h('form', { onsubmit: submit }, fields[0].el, fields[1].el, err.el,
                h('input', { type: 'submit', class: 'submit-button btn_action', 'data-test': 'login-button', id: 'login-button', name: 'login-button', value: 'Login' }))))),
        h('div', { class: 'login_credentials_wrap', 'data-test': 'login-credentials-container' },
          h('div', { class: 'login_credentials_wrap-inner' },
            h('div', { id: 'login_credentials', class: 'login_credentials', 'data-test': 'login-credentials' },
              h('h4', {}, 'Accepted usernames are:'), USERS.flatMap((u) => [u, h('br')])),
            h('div', { class: 'login_password', 'data-test': 'login-password' }, h('h4', {}, 'Password for all users:'), PASSWORD)))));
  }

  // react-burger-menu's slide menu: off-screen and hidden when closed, sliding in over 0.5 s.
  function menu() {
    const items = [
      ['inventory_sidebar_link', 'inventory-sidebar-link', 'All Items', '#', (e) => { e.preventDefault(); go('/inventory.html'); }],
      ['about_sidebar_link', 'about-sidebar-link', 'About', is('problem_user') ? 'https://saucelabs.com/error/404' : 'https://saucelabs.com/', null],
      ['logout_sidebar_link', 'logout-sidebar-link', 'Logout', '#', (e) => { e.preventDefault(); removeUser(); go('/'); }],
      ['reset_sidebar_link', 'reset-sidebar-link', 'Reset App State', '#', (e) => { e.preventDefault(); cart.reset(); }],
    ].map(([id, test, label, href, click]) => h('a', { id, class: 'bm-item menu-item', href, 'data-test': test, tabindex: '-1', onclick: click }, label));
    const cross = h('button', { type: 'button', id: 'react-burger-cross-btn', tabindex: '-1', class: 'bm-button' }, 'Close Menu');
    const wrap = h('div', { class: 'bm-menu-wrap', 'aria-hidden': 'true' },
      h('div', { class: 'bm-menu' }, h('nav', { class: 'bm-item-list' }, items)),
      h('div', { class: 'bm-cross-button' }, h('img', { src: '/static/media/close.svg', alt: 'Close Menu', 'data-test': 'close-menu', class: 'bm-cross' }), cross));
    const toggle = (open) => {
      wrap.classList.toggle('bm-open', open);
      wrap.setAttribute('aria-hidden', String(!open));
      items.concat([cross]).forEach((a) => a.setAttribute('tabindex', open ? '0' : '-1'));
    };
    cross.addEventListener('click', () => toggle(false));
    return h('div', {},
      h('div', { class: 'bm-burger-button' },
        h('img', { src: '/static/media/menu.svg', alt: 'Open Menu', 'data-test': 'open-menu', class: 'bm-icon' + (is('visual_user') ? ' visual_failure' : '') }),
        h('button', { type: 'button', id: 'react-burger-menu-btn', class: 'bm-button', onclick: () => toggle(true) }, 'Open Menu')),
      wrap);
  }

  function cartButton() {
    const link = h('a', { class: 'shopping_cart_link', 'data-test': 'shopping-cart-link', onclick: () => go('/cart.html') });
    const show = () => {
      const n = cart.get().length;
      link.replaceChildren(n ? h('span', { class: 'shopping_cart_badge', 'data-test': 'shopping-cart-badge' }, String(n)) : '');
    };
    listeners.add(show);
    show();
    return link;
  }

  function header(title, right, left, extra) {
    return h('div', { id: 'header_container', class: 'header_container' + (extra ? ' ' + extra : ''), 'data-test': 'header-container' },
      h('div', { class: 'primary_header', 'data-test': 'primary-header' },
        h('div', { id: 'menu_button_container' }, menu()),
        h('div', { class: 'header_label' }, h('div', { class: 'app_logo' }, 'Swag Labs')),
        h('div', { id: 'shopping_cart_container', class: 'shopping_cart_container' + (is('visual_user') ? ' visual_failure' : '') }, cartButton())),
      h('div', { class: 'header_secondary_container', 'data-test': 'secondary-header' },
        left && h('div', { class: 'left_component' }, left),
        title && h('span', { class: 'title', 'data-test': 'title' }, title),
        right && h('div', { class: 'right_component' }, right)));
  }

  const footer = () => h('footer', { class: 'footer', 'data-test': 'footer' },
    h('ul', { class: 'social' },
      h('li', { class: 'social_twitter' }, h('a', { href: 'https://twitter.com/saucelabs', target: '_blank', rel: 'noreferrer', 'data-test': 'social-twitter' }, 'Twitter')),
      h('li', { class: 'social_facebook' }, h('a', { href: 'https://www.facebook.com/saucelabs', target: '_blank', rel: 'noreferrer', 'data-test': 'social-facebook' }, 'Facebook')),
      h('li', { class: 'social_linkedin' }, h('a', { href: 'https://www.linkedin.com/company/sauce-labs/', target: '_blank', rel: 'noreferrer', 'data-test': 'social-linkedin' }, 'LinkedIn'))),
    h('div', { class: 'footer_copy', 'data-test': 'footer-copy' }, '© ' + new Date().getFullYear() + ' Sauce Labs. All Rights Reserved. Terms of Service | Privacy Policy'));

  const pageWrap = (...kids) => h('div', { id: 'page_wrapper', class: 'page_wrapper' }, h('div', { id: 'contents_wrapper' }, kids), footer());

  function button(label, test, cls, onclick, back) {
    return h('button', { class: 'btn ' + cls, 'data-test': test, id: test, name: test, onclick },
      back && h('img', { src: '/static/media/back-arrow.svg', class: 'back-image', alt: 'Go back' }), label);
  }

  // The add/remove button: the real component is declared inside its parent's render, so every
  // click mounts a new element (other id, other data-test) in place of the old one.
  function cartToggle(it, testOf, extraClass) {
    let inCart = cart.has(it.id);
    const add = () => {
      if (is('problem_user') && it.id % 2 === 1) return;
      if (is('error_user') && it.id % 2 === 1) throw new Error('Failed to add item to the cart.');
      cart.add(it.id); inCart = true; swap();
    };
    const remove = () => {
      if (is('problem_user') && it.id % 2 === 0) return;
      if (is('error_user') && it.id % 2 === 0) throw new Error('Failed to remove item from cart.');
      cart.remove(it.id); inCart = false; swap();
    };
    const make = () => {
      const label = inCart ? 'Remove' : 'Add to cart';
      return button(label, testOf(label), (inCart ? 'btn_secondary' : 'btn_primary') + ' btn_small btn_inventory ' + (extraClass || ''), inCart ? remove : add);
    };
    let el = make();
    function swap() { const n = make(); el.replaceWith(n); el = n; }
    return () => el;
  }

  function glitch() {
    if (!is('performance_glitch_user')) return;
    const end = Date.now() + GLITCH_MS;
    while (Date.now() < end) { /* the real page's render loops like this */ }
  }

  function inventory() {
    const visual = is('visual_user');
    const options = [['az', 'Name (A to Z)'], ['za', 'Name (Z to A)'], ['lohi', 'Price (low to high)'], ['hilo', 'Price (high to low)']];
    let active = 'az';
    const sorts = {
      az: (a, b) => a.name.localeCompare(b.name), za: (a, b) => b.name.localeCompare(a.name),
      lohi: (a, b) => a.price - b.price, hilo: (a, b) => b.price - a.price,
    };
    const activeLabel = h('span', { class: 'active_option', 'data-test': 'active-option' });
    const select = h('select', { class: 'product_sort_container', 'data-test': 'product-sort-container' },
      options.map(([k, v]) => h('option', { value: k }, v)));
    const list = h('div', { class: 'inventory_list', 'data-test': 'inventory-list' });
    const nodes = new Map();
    const show = () => {
      glitch();
      activeLabel.textContent = options.find(([k]) => k === active)[1];
      select.value = active;
      ITEMS.slice().sort(sorts[active]).forEach((it, i) => {
        let n = nodes.get(it.id);
        if (!n) {
          const link = '/inventory-item.html?id=' + (is('problem_user') ? it.id + 1 : it.id);
          const open = (e) => { e.preventDefault(); go(link); };
          const btn = cartToggle(it, (label) => slug(label + '-' + it.name), visual && i === 5 ? 'btn_inventory_misaligned' : '');
          n = h('div', { class: 'inventory_item', 'data-test': 'inventory-item' },
            h('div', { class: 'inventory_item_img' }, h('a', { href: '#', id: 'item_' + it.id + '_img_link', 'data-test': 'item-' + it.id + '-img-link', onclick: open },
              h('img', { alt: it.name, class: 'inventory_item_img', src: img(it, i), 'data-test': 'inventory-item-' + slug(it.name) + '-img' }))),
            h('div', { class: 'inventory_item_description', 'data-test': 'inventory-item-description' },
              h('div', { class: 'inventory_item_label' },
                h('a', { href: '#', id: 'item_' + it.id + '_title_link', 'data-test': 'item-' + it.id + '-title-link', onclick: open },
                  h('div', { class: 'inventory_item_name' + (visual && i > 1 && i < 4 ? ' align_right' : ''), 'data-test': 'inventory-item-name' }, it.name)),
                h('div', { class: 'inventory_item_desc', 'data-test': 'inventory-item-desc' }, it.desc)),
              h('div', { class: 'pricebar' },
                h('div', { class: 'inventory_item_price', 'data-test': 'inventory-item-price' }, '$' + (visual ? Math.round(Math.random() * 10000) / 100 : it.price)),
                btn())));
          nodes.set(it.id, n);
        }
        list.append(n); // keyed: the same nodes, moved
      });
    };
    select.addEventListener('change', () => {
      try {
        if (is('problem_user')) return; // the real page's sort bails out for this user
        if (is('error_user')) { alert('Sorting is broken! This error has been reported to Backtrace.'); return; }
        active = select.value;
        show();
      } finally {
        select.value = active; // controlled: React puts its value back
      }
    });
    show();
    return pageWrap(
      header('Products', h('span', { class: 'select_container' }, activeLabel, select)),
      h('div', { id: 'inventory_container', role: 'main' }, h('div', {},
        h('div', { id: 'inventory_container', class: 'inventory_container', 'data-test': 'inventory-container' }, list))));
  }

  function itemPage() {
    const id = parseInt(new URLSearchParams(location.search).get('id') || '-1', 10);
    const it = id >= 0 && id < ITEMS.length ? ITEMS[id] : { id, name: 'ITEM NOT FOUND', price: '√-1', img: 'sl-404', desc: "We're sorry, but your call could not be completed as dialled." };
    const btn = cartToggle(it, (label) => (label === 'Remove' ? 'remove' : 'add-to-cart'));
    return pageWrap(
      header(null, null, button('Back to products', 'back-to-products', 'btn_secondary back btn_large inventory_details_back_button', () => go('/inventory.html'), true), 'inventory_details'),
      h('div', { id: 'inventory_item_container', class: 'inventory_item_container', 'data-test': 'inventory-container' },
        h('div', { class: 'inventory_details' }, h('div', { class: 'inventory_details_container', 'data-test': 'inventory-item' },
          h('div', { class: 'inventory_details_img_container' }, h('img', { alt: it.name, class: 'inventory_details_img', src: '/static/media/' + it.img + '.jpg', 'data-test': 'item-' + slug(it.name) + '-img' })),
          h('div', { class: 'inventory_details_desc_container' },
            h('div', { class: 'inventory_details_name large_size', 'data-test': 'inventory-item-name' }, it.name),
            h('div', { class: 'inventory_details_desc large_size', 'data-test': 'inventory-item-desc' },
              is('error_user') ? 'A description should be here, but it failed to render! This error has been reported to Backtrace.' : it.desc),
            h('div', { class: 'inventory_details_price', 'data-test': 'inventory-item-price' }, '$' + it.price),
            btn())))));
  }

  function cartItem(it, withButton) {
    const row = h('div', { class: 'cart_item', 'data-test': 'inventory-item' },
      h('div', { class: 'cart_quantity', 'data-test': 'item-quantity' }, '1'),
      h('div', { class: 'cart_item_label' },
        h('a', { href: '#', id: 'item_' + it.id + '_title_link', 'data-test': 'item-' + it.id + '-title-link',
          onclick: (e) => { e.preventDefault(); go('/inventory-item.html?id=' + (is('problem_user') ? it.id + 1 : it.id)); } },
          h('div', { class: 'inventory_item_name', 'data-test': 'inventory-item-name' }, it.name)),
        h('div', { class: 'inventory_item_desc', 'data-test': 'inventory-item-desc' }, it.desc),
        h('div', { class: 'item_pricebar' },
          h('div', { class: 'inventory_item_price', 'data-test': 'inventory-item-price' }, '$' + it.price),
          withButton && button('Remove', 'remove-' + slug(it.name), 'btn_secondary btn_small cart_button', () => {
            cart.remove(it.id);
            row.replaceWith(h('div', { class: 'removed_cart_item' }));
          }))));
    return row;
  }

  const cartList = (withButtons) => h('div', { class: 'cart_list', 'data-test': 'cart-list' },
    h('div', { class: 'cart_quantity_label', 'data-test': 'cart-quantity-label' }, 'QTY'),
    h('div', { class: 'cart_desc_label', 'data-test': 'cart-desc-label' }, 'Description'),
    cart.get().map((id) => cartItem(ITEMS[id], withButtons)));

  function cartPage() {
    return pageWrap(header('Your Cart'),
      h('div', { id: 'cart_contents_container', class: 'cart_contents_container', 'data-test': 'cart-contents-container' }, h('div', {},
        cartList(true),
        h('div', { class: 'cart_footer' },
          button('Continue Shopping', 'continue-shopping', 'btn_secondary back btn_medium', (e) => { e.preventDefault(); go('/inventory.html'); }, true),
          button('Checkout', 'checkout', 'btn_action btn_medium checkout_button' + (is('visual_user') ? ' btn_visual_failure' : ''), (e) => { e.preventDefault(); go('/checkout-step-one.html'); })))));
  }

  function stepOne() {
    const st = { firstName: '', lastName: '', postalCode: '', error: '' };
    const fields = [];
    const update = () => { fields.forEach((f) => f.show()); err.show(); };
    const set = (k) => (v) => { st[k] = v; update(); };
    const bad = () => !!st.error;
    fields.push(field({ placeholder: 'First Name', 'data-test': 'firstName', id: 'first-name', name: 'firstName' }, () => st.firstName, set('firstName'), bad));
    fields.push(field({ placeholder: 'Last Name', 'data-test': 'lastName', id: 'last-name', name: 'lastName' }, () => st.lastName, (v) => {
      if (is('problem_user')) return set('firstName')(v); // the real page writes the first name here
      if (is('error_user')) throw new TypeError("Cannot read properties of undefined (reading 'value')");
      set('lastName')(v);
    }, bad));
    fields.push(field({ placeholder: 'Zip/Postal Code', 'data-test': 'postalCode', id: 'postal-code', name: 'postalCode' }, () => st.postalCode, set('postalCode'), bad));
    const err = errorBox(() => st.error, () => { st.error = ''; update(); }, 'Error: ');
    const submit = (e) => {
      e.preventDefault();
      const fail = (m) => { st.error = m; update(); };
      if (!st.firstName) return fail('First Name is required');
      if (!st.lastName && !is('error_user')) return fail('Last Name is required');
      if (!st.postalCode) return fail('Postal Code is required');
      go('/checkout-step-two.html', { firstName: st.firstName, lastName: st.lastName, postalCode: st.postalCode });
    };
    update();
    return pageWrap(header('Checkout: Your Information'),
      h('div', { id: 'checkout_info_container', class: 'checkout_info_container', 'data-test': 'checkout-info-container' },
        h('div', { class: 'checkout_info_wrapper' }, h('form', { onsubmit: submit },
          h('div', { class: 'checkout_info' }, fields.map((f) => f.el), err.el),
          h('div', { class: 'checkout_buttons' },
            button('Cancel', 'cancel', 'btn_secondary back btn_medium cart_cancel_link', (e) => { e.preventDefault(); go('/cart.html'); }, true),
            h('input', { type: 'submit', class: 'submit-button btn btn_primary cart_button btn_action', 'data-test': 'continue', id: 'continue', name: 'continue', value: 'Continue' }))))));
  }

  function stepTwo() {
    const contents = cart.get();
    let total = 0;
    for (const id of contents) total += ITEMS[id].price * (is('problem_user') ? 2 : 1);
    const tax = (total * 0.08).toFixed(2);
    const grand = (total + parseFloat(tax)).toFixed(2);
    const label = (cls, test, text) => h('div', { class: cls, 'data-test': test }, text);
    return pageWrap(header('Checkout: Overview'),
      h('div', { id: 'checkout_summary_container', class: 'checkout_summary_container', 'data-test': 'checkout-summary-container' }, h('div', {},
        cartList(false),
        h('div', { class: 'summary_info' },
          label('summary_info_label', 'payment-info-label', 'Payment Information:'),
          label('summary_value_label', 'payment-info-value', 'SauceCard #31337'),
          label('summary_info_label', 'shipping-info-label', 'Shipping Information:'),
          label('summary_value_label', 'shipping-info-value', 'Free Pony Express Delivery!'),
          label('summary_info_label', 'total-info-label', 'Price Total'),
          label('summary_subtotal_label', 'subtotal-label', 'Item total: $' + total),
          label('summary_tax_label', 'tax-label', 'Tax: $' + tax),
          label('summary_total_label', 'total-label', 'Total: $' + grand),
          h('div', { class: 'cart_footer' },
            button('Cancel', 'cancel', 'btn_secondary back btn_medium cart_cancel_link', (e) => { e.preventDefault(); go('/inventory.html'); }, true),
            button('Finish', 'finish', 'btn_action btn_medium cart_button', (e) => {
              e.preventDefault();
              if (is('error_user')) cart.cesetRart(); // the real page's typo: a TypeError, no page change
              if (!is('problem_user')) cart.reset();
              go('/checkout-complete.html');
            }))))));
  }

  function complete() {
    return pageWrap(header('Checkout: Complete!'),
      h('div', { id: 'checkout_complete_container', class: 'checkout_complete_container', 'data-test': 'checkout-complete-container' },
        h('img', { alt: 'Pony Express', class: 'pony_express', src: '/static/media/checkmark.svg', 'data-test': 'pony-express' }),
        h('h2', { class: 'complete-header', 'data-test': 'complete-header' }, 'Thank you for your order!'),
        h('div', { class: 'complete-text', 'data-test': 'complete-text' }, 'Your order has been dispatched, and will arrive just as fast as the pony can get there!'),
        h('div', { class: 'complete-buttons' }, button('Back Home', 'back-to-products', 'btn_primary btn_small', () => go('/inventory.html')))));
  }

  const PAGES = {
    '/': login, '/inventory.html': inventory, '/inventory-item.html': itemPage, '/cart.html': cartPage,
    '/checkout-step-one.html': stepOne, '/checkout-step-two.html': stepTwo, '/checkout-complete.html': complete,
  };

  root = document.getElementById('root');
  render();
})();
