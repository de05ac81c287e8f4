package practice

import "net/http"

// TodoMVCStorageKey is the localStorage key the TodoMVC replica keeps its todos under, as the
// React TodoMVC of demo.playwright.dev does.
const TodoMVCStorageKey = "react-todos"

// TodoMVC serves a replica of TodoMVC as Playwright's demo (demo.playwright.dev/todomvc) serves
// it, at /todomvc/ (and /): one page whose script renders everything from its state, the way a
// framework does.
//
//	input.new-todo          "What needs to be done?"; a todo is added on Enter (keydown), trimmed,
//	                        and the field emptied; an empty one adds nothing
//	ul.todo-list > li       one per todo (data-testid="todo-item", class "completed" when done):
//	                        input.toggle (a transparent checkbox over the circle drawn by its
//	                        label), label (data-testid="todo-title"), button.destroy: a × that is
//	                        display:none until the li is hovered (a CSS :hover rule)
//	double-click the label  edit: the li gets class "editing", its .view is hidden and an
//	                        input.edit (aria-label "Edit") holds the title, focused; Enter or blur
//	                        saves (trimmed; empty removes the todo), Escape cancels
//	#toggle-all             "Mark all as complete": a 1 px transparent checkbox drawn by its
//	                        label (a rotated ❯, its text of font-size 0)
//	footer                  span.todo-count (data-testid="todo-count"): "<strong>N</strong>
//	                        item(s) left"; filters All, Active, Completed (links to #/, #/active,
//	                        #/completed: hash routing, no page load; the current one is
//	                        a.selected); button.clear-completed, there only while a todo is done
//
// Every change renders the whole list again from the state: every li (and its checkbox) is a new
// node after a toggle, an add, an edit or a filter. .main and the footer are there only while
// there are todos. The state is localStorage's TodoMVCStorageKey (a JSON array of {id, title,
// completed}): it survives reloads and is shared by every tab of the origin. The server keeps no
// state.
//
// It serves loopback tests only and needs nothing from the network. Safe for concurrent use.
func TodoMVC() http.Handler {
	mux := http.NewServeMux()
	page := func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" && r.URL.Path != "/todomvc/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(todoMVCPage))
	}
	mux.HandleFunc("/", page)
	mux.HandleFunc("/todomvc", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/todomvc/", http.StatusMovedPermanently)
	})
	return mux
}

const todoMVCPage = `<!doctype html>
<html lang="en" data-framework="react"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>React • TodoMVC</title>
<style>` + todoMVCCSS + `</style></head>
<body>
<section class="todoapp"><div id="root"></div></section>
<footer class="info"><p>Double-click to edit a todo</p><p>Created by the smartretry tests</p><p>Part of <a href="http://todomvc.com">TodoMVC</a></p></footer>
<script>` + todoMVCJS + `</script>
</body></html>`

// The look of TodoMVC's app.css, what matters to a pointer kept: the hover-only ×, the
// transparent checkboxes over the circles their labels draw, the 1 px toggle-all under its chevron.
const todoMVCCSS = `
html, body { margin: 0; padding: 0; }
body { font: 14px 'Helvetica Neue', Helvetica, Arial, sans-serif; line-height: 1.4em; background: #f5f5f5; color: #111; min-width: 230px; max-width: 550px; margin: 0 auto; font-weight: 300; }
button { margin: 0; padding: 0; border: 0; background: none; font-size: 100%; vertical-align: baseline; font-family: inherit; font-weight: inherit; color: inherit; appearance: none; }
.hidden { display: none; }
.todoapp { background: #fff; margin: 130px 0 40px 0; position: relative; box-shadow: 0 2px 4px 0 rgba(0,0,0,.2), 0 25px 50px 0 rgba(0,0,0,.1); }
.todoapp input::placeholder { font-style: italic; font-weight: 400; color: rgba(0,0,0,.4); }
.todoapp h1 { position: absolute; top: -140px; width: 100%; font-size: 80px; font-weight: 200; text-align: center; color: #b83f45; }
.new-todo, .edit { position: relative; margin: 0; width: 100%; font-size: 24px; font-family: inherit; font-weight: inherit; line-height: 1.4em; color: inherit; padding: 6px; border: 1px solid #999; box-shadow: inset 0 -1px 5px 0 rgba(0,0,0,.2); box-sizing: border-box; }
.new-todo { padding: 16px 16px 16px 60px; height: 65px; border: none; background: rgba(0,0,0,.003); box-shadow: inset 0 -2px 1px rgba(0,0,0,.03); }
.main { position: relative; z-index: 2; border-top: 1px solid #e6e6e6; }
.toggle-all { width: 1px; height: 1px; border: none; opacity: 0; position: absolute; right: 100%; bottom: 100%; }
.toggle-all + label { display: flex; align-items: center; justify-content: center; width: 45px; height: 65px; font-size: 0; position: absolute; top: -65px; left: -0; }
.toggle-all + label:before { content: '❯'; display: inline-block; font-size: 22px; color: #949494; padding: 10px 27px 10px 27px; transform: rotate(90deg); }
.toggle-all:checked + label:before { color: #484848; }
.todo-list { margin: 0; padding: 0; list-style: none; }
.todo-list li { position: relative; font-size: 24px; border-bottom: 1px solid #ededed; }
.todo-list li:last-child { border-bottom: none; }
.todo-list li.editing { border-bottom: none; padding: 0; }
.todo-list li.editing .edit { display: block; width: calc(100% - 43px); padding: 12px 16px; margin: 0 0 0 43px; }
.todo-list li.editing .view { display: none; }
.todo-list li .toggle { text-align: center; width: 40px; height: auto; position: absolute; top: 0; bottom: 0; margin: auto 0; border: none; appearance: none; opacity: 0; }
.todo-list li .toggle + label { background-image: url('data:image/svg+xml;utf8,%3Csvg%20xmlns%3D%22http%3A//www.w3.org/2000/svg%22%20width%3D%2240%22%20height%3D%2240%22%20viewBox%3D%22-10%20-18%20100%20135%22%3E%3Ccircle%20cx%3D%2250%22%20cy%3D%2250%22%20r%3D%2250%22%20fill%3D%22none%22%20stroke%3D%22%23949494%22%20stroke-width%3D%223%22/%3E%3C/svg%3E'); background-repeat: no-repeat; background-position: center left; }
.todo-list li .toggle:checked + label { background-image: url('data:image/svg+xml;utf8,%3Csvg%20xmlns%3D%22http%3A//www.w3.org/2000/svg%22%20width%3D%2240%22%20height%3D%2240%22%20viewBox%3D%22-10%20-18%20100%20135%22%3E%3Ccircle%20cx%3D%2250%22%20cy%3D%2250%22%20r%3D%2250%22%20fill%3D%22none%22%20stroke%3D%22%2359A193%22%20stroke-width%3D%223%22%2F%3E%3Cpath%20fill%3D%22%233EA390%22%20d%3D%22M72%2025L42%2071%2027%2056l-4%204%2020%2020%2034-52z%22%2F%3E%3C%2Fsvg%3E'); }
.todo-list li label { overflow-wrap: break-word; padding: 15px 15px 15px 60px; display: block; line-height: 1.2; transition: color .4s; font-weight: 400; color: #484848; }
.todo-list li.completed label { color: #949494; text-decoration: line-through; }
.todo-list li .destroy { display: none; position: absolute; top: 0; right: 10px; bottom: 0; width: 40px; height: 40px; margin: auto 0; font-size: 30px; color: #949494; transition: color .2s ease-out; }
.todo-list li .destroy:hover, .todo-list li .destroy:focus { color: #c18585; }
.todo-list li .destroy:after { content: '×'; display: block; height: 100%; line-height: 1.1; }
.todo-list li:hover .destroy { display: block; }
.todo-list li .edit { display: none; }
.footer { padding: 10px 15px; height: 20px; text-align: center; font-size: 15px; border-top: 1px solid #e6e6e6; position: relative; }
.todo-count { float: left; text-align: left; }
.todo-count strong { font-weight: 300; }
.filters { margin: 0; padding: 0; list-style: none; position: absolute; right: 0; left: 0; }
.filters li { display: inline; }
.filters li a { color: inherit; margin: 3px; padding: 3px 7px; text-decoration: none; border: 1px solid transparent; border-radius: 3px; }
.filters li a.selected { border-color: #ce4646; }
.clear-completed, html .clear-completed:active { float: right; position: relative; line-height: 19px; text-decoration: none; cursor: pointer; }
.info { margin: 65px auto 0; color: #4d4d4d; font-size: 11px; text-align: center; }
`

// The app: a state, one render that writes the whole app again from it (new nodes every time,
// as a framework's keyless re-render), hash routing, localStorage.
const todoMVCJS = `
(function () {
  'use strict';
  var KEY = '` + TodoMVCStorageKey + `';
  var root = document.getElementById('root');
  var todos = [];
  try { todos = JSON.parse(localStorage.getItem(KEY) || '[]') || []; } catch (e) { todos = []; }
  var editing = null;   // the id of the todo being edited
  var nextId = Date.now();
  var esc = function (s) { return String(s).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); };
  var route = function () {
    var h = location.hash.replace(/^#/, '');
    return h === '/active' ? 'active' : h === '/completed' ? 'completed' : 'all';
  };
  var save = function () { localStorage.setItem(KEY, JSON.stringify(todos)); };
  var left = function () { return todos.filter(function (t) { return !t.completed; }).length; };

  // The header with the new-todo field is rendered once: it keeps what is typed and the focus.
  root.innerHTML = '<header class="header"><h1>todos</h1>' +
    '<input class="new-todo" placeholder="What needs to be done?" autofocus></header><div id="body"></div>';
  var body = document.getElementById('body');
  var input = root.querySelector('.new-todo');
  input.addEventListener('keydown', function (e) {
    if (e.key !== 'Enter' || e.isComposing) return;
    e.preventDefault();
    var v = input.value.trim();
    if (!v) return;
    todos.push({ id: String(nextId++), title: v, completed: false });
    input.value = '';
    save(); render();
  });

  var render = function () {
    var f = route();
    var shown = todos.filter(function (t) { return f === 'all' || (f === 'active') === !t.completed; });
    if (!todos.length) { body.innerHTML = ''; return; }
    var n = left();
    var html = '<section class="main"><input id="toggle-all" class="toggle-all" type="checkbox"' +
      (n === 0 ? ' checked' : '') + '><label for="toggle-all">Mark all as complete</label><ul class="todo-list">';
    shown.forEach(function (t) {
      html += '<li data-testid="todo-item" data-id="' + t.id + '" class="' + (t.completed ? 'completed' : '') + (editing === t.id ? ' editing' : '') + '">' +
        '<div class="view"><input class="toggle" type="checkbox"' + (t.completed ? ' checked' : '') + '>' +
        '<label data-testid="todo-title">' + esc(t.title) + '</label><button class="destroy"></button></div>' +
        (editing === t.id ? '<input class="edit" aria-label="Edit" value="' + esc(t.title) + '">' : '') + '</li>';
    });
    html += '</ul></section><footer class="footer"><span class="todo-count" data-testid="todo-count"><strong>' + n +
      '</strong> ' + (n === 1 ? 'item' : 'items') + ' left</span><ul class="filters">' +
      '<li><a href="#/"' + (f === 'all' ? ' class="selected"' : '') + '>All</a></li> ' +
      '<li><a href="#/active"' + (f === 'active' ? ' class="selected"' : '') + '>Active</a></li> ' +
      '<li><a href="#/completed"' + (f === 'completed' ? ' class="selected"' : '') + '>Completed</a></li></ul>' +
      (todos.length > n ? '<button class="clear-completed">Clear completed</button>' : '') + '</footer>';
    body.innerHTML = html;
    var edit = body.querySelector('.edit');
    if (edit) { edit.focus(); edit.setSelectionRange(edit.value.length, edit.value.length); }
  };

  var byLi = function (el) {
    var li = el.closest('li[data-id]');
    if (!li) return null;
    for (var i = 0; i < todos.length; i++) if (todos[i].id === li.getAttribute('data-id')) return todos[i];
    return null;
  };
  var finishEdit = function (el, keep) {
    var t = byLi(el);
    if (!t || editing !== t.id) return;
    editing = null;
    if (keep) {
      var v = el.value.trim();
      if (v) t.title = v; else todos.splice(todos.indexOf(t), 1);
      save();
    }
    render();
  };
  body.addEventListener('change', function (e) {
    var el = e.target;
    if (el.classList.contains('toggle')) {
      var t = byLi(el);
      if (t) { t.completed = el.checked; save(); render(); }
    } else if (el.id === 'toggle-all') {
      var all = el.checked;
      todos.forEach(function (t) { t.completed = all; });
      save(); render();
    }
  });
  body.addEventListener('click', function (e) {
    var el = e.target;
    if (el.classList.contains('destroy')) {
      var t = byLi(el);
      if (t) { todos.splice(todos.indexOf(t), 1); save(); render(); }
    } else if (el.classList.contains('clear-completed')) {
      todos = todos.filter(function (t) { return !t.completed; });
      save(); render();
    }
  });
  body.addEventListener('dblclick', function (e) {
    if (e.target.getAttribute('data-testid') !== 'todo-title') return;
    var t = byLi(e.target);
    if (t) { editing = t.id; render(); }
  });
  body.addEventListener('keydown', function (e) {
    if (!e.target.classList.contains('edit')) return;
    if (e.key === 'Enter') finishEdit(e.target, true);
    else if (e.key === 'Escape') finishEdit(e.target, false);
  });
  body.addEventListener('focusout', function (e) {
    if (e.target.classList.contains('edit')) finishEdit(e.target, true);
  });
  window.addEventListener('hashchange', render);
  window.addEventListener('storage', function (e) {
    if (e.key !== KEY) return;
    try { todos = JSON.parse(e.newValue || '[]') || []; } catch (x) { todos = []; }
    render();
  });
  render();
})();
`
