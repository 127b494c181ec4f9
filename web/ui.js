// Small DOM helpers shared by the pages: element builder, status line, paged tables
// (cursor paging through the server), forms from field lists, and modal dialogs.
import { get, qs } from './api.js';
import { t } from './i18n.js';
import { errorNodes } from './errors.js';

export function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat()) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

let saidAt = 0;

// The status line's content when it was said within the last two seconds (a page that
// reports and then navigates), else null.
export function statusNodesToKeep() {
  const el = document.getElementById('status');
  if (!el || Date.now() - saidAt > 2000) return null;
  return { nodes: [...el.childNodes], className: el.className };
}

// Let the next page start with an empty status line (after a change of language).
export function clearStatus() {
  saidAt = 0;
}

// The page's live region: messages (text or nodes) are announced to screen readers.
export function say(msg, kind = 'info') {
  const el = document.getElementById('status');
  if (!el) return;
  saidAt = Date.now();
  if (Array.isArray(msg)) el.replaceChildren(...msg);
  else el.textContent = msg;
  el.className = 'status ' + kind;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}

// Nodes of an error (errors.js) in the status line.
export function sayErrorNodes(nodes) {
  say([document.createTextNode(`${t('error')}: `), ...nodes], 'error');
}

// An error in the user's language (by its code), with the server's sentence after it.
export function sayError(e) {
  const err = e && e.message !== undefined ? e : { code: 'error', message: String(e) };
  say([document.createTextNode(`${t('error')}: `), ...errorNodes(err)], 'error');
}

let fieldSeq = 0;

// A labelled input; spec: {name, label, type: text|number|date|time|select|checkbox|money,
// options: [[value, label]], value, readonly}.
export function field(spec) {
  const id = `f-${spec.name}-${++fieldSeq}`;
  let input;
  if (spec.type === 'select') {
    input = h('select', { id, name: spec.name, disabled: spec.readonly },
      (spec.options || []).map(([v, l]) => h('option', { value: v }, l)));
    input.value = spec.value ?? '';
  } else if (spec.type === 'checkbox') {
    input = h('input', { id, name: spec.name, type: 'checkbox', checked: !!spec.value,
                         disabled: spec.readonly });
    return h('div', { class: 'field check' }, input, h('label', { for: id }, spec.label));
  } else {
    const type = spec.type === 'money' ? 'text' : spec.type || 'text';
    input = h('input', { id, name: spec.name, type, value: spec.value ?? '',
                         readonly: spec.readonly, inputmode: spec.type === 'money' ? 'decimal' : null,
                         list: spec.list, autocomplete: spec.autocomplete || 'off' });
  }
  return h('div', { class: 'field' }, h('label', { for: id }, spec.label), input);
}

// Values of a form's named controls: checkboxes as booleans, the rest as text.
export function formValues(form) {
  const out = {};
  for (const el of form.querySelectorAll('[name]')) {
    if (el.disabled && el.type !== 'checkbox') continue;
    out[el.name] = el.type === 'checkbox' ? el.checked : el.value;
  }
  return out;
}

/*
 * A table that pages through the server with cursors. cols: [{label, cell(rec) -> node|text,
 * sort (optional): the field the server sorts by}]. A column with sort has a button in its
 * header: the first press sorts ascending (descending when the column's firstDesc is set),
 * the next reverses; the header's aria-sort says the order. The sort goes to the server as
 * ?sort=FIELD[:desc] and the table starts again at its first page.
 */
export function pagedTable({ url, params = {}, cols, limit = 25, caption, empty, onSort }) {
  const wrap = h('div', { class: 'paged' });
  const stack = [null];
  let pos = 0;
  let lastItems = [];
  let focusSort = null; // the sort button to focus again after the table is redrawn
  const sortOf = () => {
    const m = /^([a-z_]+)(?::(asc|desc))?$/.exec(params.sort || '');
    return m ? { field: m[1], desc: m[2] === 'desc' } : null;
  };
  function header(c) {
    // A column of buttons has no visible title; screen readers hear "Actions".
    if (!c.label) return h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, t('actions')));
    if (!c.sort) return h('th', { scope: 'col' }, c.label);
    const cur = sortOf();
    const on = cur && cur.field === c.sort;
    const state = on ? (cur.desc ? 'descending' : 'ascending') : null;
    const btn = h('button', { type: 'button', class: 'sort', 'data-sort': c.sort,
      onclick: () => {
        const desc = on ? !cur.desc : !!c.firstDesc;
        params = { ...params, sort: `${c.sort}${desc ? ':desc' : ''}` };
        focusSort = c.sort;
        if (onSort) onSort(params.sort);
        stack.length = 1;
        pos = 0;
        load();
      } }, c.label, h('span', { class: 'sort-mark', 'aria-hidden': 'true' },
      on ? (cur.desc ? ' ▼' : ' ▲') : ' ↕'));
    return h('th', { scope: 'col', 'aria-sort': state || 'none' }, btn);
  }
  // On a phone the rows are cards without their header row: a list chooses the order there.
  const sortable = cols.filter((c) => c.sort);
  let sortBar = null;
  if (sortable.length) {
    const id = `sort-${++fieldSeq}`;
    const sel = h('select', { id, class: 'sort-select' }, h('option', { value: '' }, t('sortDefault')),
      sortable.flatMap((c) => [h('option', { value: c.sort }, `${c.label} ${t('sortAsc')}`),
        h('option', { value: `${c.sort}:desc` }, `${c.label} ${t('sortDesc')}`)]));
    sel.value = params.sort || '';
    sel.addEventListener('change', () => {
      params = { ...params, sort: sel.value || undefined };
      if (onSort) onSort(params.sort);
      stack.length = 1;
      pos = 0;
      load();
    });
    sortBar = h('div', { class: 'field sort-bar' }, h('label', { for: id }, t('sortBy')), sel);
    wrap.sortSelect = sel;
  }
  const inner = h('div', {});
  // Said when a page takes a while (a sort of a long log takes seconds), so that a click
  // is seen to have done something; the rows stay readable meanwhile.
  const waiting = h('p', { class: 'hint waiting', hidden: true }, t('loading'));
  wrap.replaceChildren(...[sortBar, waiting, inner].filter(Boolean));
  // Only the last request asked for is shown: a slow page that answers after a newer one
  // must not replace it, nor leave its cursor for Next.
  let seq = 0;
  let waitTimer = null;
  async function load() {
    const mine = ++seq;
    wrap.setAttribute('aria-busy', 'true');
    clearTimeout(waitTimer);
    waitTimer = setTimeout(() => {
      if (mine === seq) waiting.hidden = false;
    }, 300);
    if (wrap.sortSelect) wrap.sortSelect.value = params.sort || '';
    try {
      const page = await get(url + qs({ ...params, limit, after: stack[pos] }));
      if (mine !== seq) return;
      lastItems = page.items;
      const thead = h('thead', {}, h('tr', {}, cols.map(header)));
      // data-label names the column when a narrow screen shows each row as a card.
      const rows = page.items.map((rec) =>
        h('tr', {}, cols.map((c) => h('td', { 'data-label': c.label || null }, c.cell(rec)))));
      const tbody = h('tbody', {}, rows.length ? rows
        : h('tr', {}, h('td', { colspan: cols.length }, empty || t('none'))));
      const prev = h('button', { type: 'button', disabled: pos === 0,
                                 onclick: () => { pos--; load(); } }, t('prev'));
      const next = h('button', { type: 'button', disabled: !page.next_cursor,
                                 onclick: () => {
                                   stack[pos + 1] = page.next_cursor;
                                   pos++;
                                   load();
                                 } }, t('next'));
      // The pager only when there is another page to go to.
      const box = h('div', { class: 'table-wrap' },
        h('table', { class: 'cards' }, caption ? h('caption', {}, caption) : null, thead, tbody));
      const pager = pos > 0 || page.next_cursor ? h('div', { class: 'pager' }, prev, next) : null;
      // The sort list stays in place (with its focus); only the table and pager change.
      inner.replaceChildren(...[box, pager].filter(Boolean));
      if (focusSort) {
        const b = wrap.querySelector(`button.sort[data-sort="${focusSort}"]`);
        focusSort = null;
        if (b) b.focus();
      }
    } catch (e) {
      if (mine === seq) sayError(e);
    } finally {
      if (mine === seq) {
        clearTimeout(waitTimer);
        waiting.hidden = true;
        wrap.removeAttribute('aria-busy');
      }
    }
  }
  wrap.reload = () => load();
  wrap.items = () => lastItems;
  wrap.params = () => params;
  wrap.restart = (newParams) => {
    if (newParams) params = newParams;
    stack.length = 1;
    pos = 0;
    return load();
  };
  load();
  return wrap;
}

// A modal <dialog>; returns {dlg, close}. onCancel runs on Escape.
export function modal(title, body, onCancel) {
  const id = `dlg-${++fieldSeq}`;
  const dlg = h('dialog', { 'aria-labelledby': id }, h('h2', { id }, title), body);
  // Escape is taken at keydown: the browser may skip a cancel event it has already seen
  // prevented (a second Escape), and would then close the dialog with what was typed.
  dlg.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && onCancel && !ev.defaultPrevented) {
      ev.preventDefault();
      onCancel();
    }
  });
  dlg.addEventListener('cancel', (ev) => {
    if (onCancel) {
      ev.preventDefault();
      onCancel();
    }
  });
  document.body.append(dlg);
  dlg.showModal();
  return { dlg, close: () => { dlg.close(); dlg.remove(); } };
}

// Ask a yes/no question in a dialog; resolves true or false (Escape is No). yes and no
// label the buttons by what they do ("Delete", "Keep") when given.
export function ask(question, help, { yes, no } = {}) {
  return choose(question, help, [[true, yes || t('yes'), 'primary'], [false, no || t('no')]], false);
}

// A question with several answers: buttons [[value, label, class]]; Escape resolves to
// onEscape. The first button has the focus.
export function choose(question, help, buttons, onEscape = null) {
  return new Promise((resolve) => {
    let m = null;
    const done = (v) => { m.close(); resolve(v); };
    const body = h('div', {}, help ? h('p', {}, help) : null,
      h('div', { class: 'buttons' }, buttons.map(([v, label, cls]) =>
        h('button', { type: 'button', class: cls || null, onclick: () => done(v) }, label))));
    m = modal(question, body, () => done(onEscape));
  });
}

export function link(href, text) {
  return h('a', { href }, text);
}

export function enc(s) {
  return encodeURIComponent(s);
}
