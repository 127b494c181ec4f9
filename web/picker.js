// Search-as-you-type pickers for contact, salesperson, template and campaign fields (an
// ARIA 1.2 combobox with a listbox popup). The input keeps the record's number or code
// (its name= is the API field), so forms send what the API expects; the chosen record's
// name is shown next to it. Contacts are found by name, number, e-mail or city through
// the list API's "~" (contains) filters; salespersons and templates are filtered in the
// page from their cached lists.
import { get, qs } from './api.js';
import { t, tn } from './i18n.js';
import { h } from './ui.js';
import { listOf, nameOf, remember } from './names.js';

const MAX = 8;

function contains(hay, q) {
  return String(hay || '').toLowerCase().includes(q.toLowerCase());
}

// Each source answers a query with [{code, name, detail}].
const SOURCES = {
  async contact(q, only = []) {
    const fields = ['name', 'no', 'email', 'city'];
    const pages = await Promise.all(fields.map((f) =>
      get('/api/contacts' + qs({ where: [`${f}~${q}`, ...only], limit: MAX })).catch(() => ({ items: [] }))));
    const seen = new Map();
    for (const p of pages) {
      for (const c of p.items) {
        if (seen.has(c.no)) continue;
        remember('contact', c.no, c.name);
        const company = c.type === 'person' && c.company_name ? c.company_name : '';
        seen.set(c.no, { code: c.no, name: c.name,
                         detail: [company, c.city, c.email].filter(Boolean).join(' · ') });
      }
    }
    return [...seen.values()].slice(0, MAX);
  },
  // Companies only (a person's company).
  company(q) {
    return SOURCES.contact(q, ['type=company']);
  },
  async salesperson(q) {
    return (await listOf('salesperson'))
      .filter((s) => contains(s.code, q) || contains(s.name, q) || contains(s.email, q))
      .slice(0, MAX).map((s) => ({ code: s.code, name: s.name, detail: s.email }));
  },
  async template(q) {
    return (await listOf('template'))
      .filter((x) => contains(x.code, q) || contains(x.description, q))
      .slice(0, MAX).map((x) => ({ code: x.code, name: x.description, detail: x.interaction_group_code }));
  },
  async campaign(q) {
    const pages = await Promise.all(['description', 'no'].map((f) =>
      get('/api/campaigns' + qs({ where: `${f}~${q}`, limit: MAX })).catch(() => ({ items: [] }))));
    const seen = new Map();
    for (const p of pages) {
      for (const c of p.items) {
        remember('campaign', c.no, c.description);
        seen.set(c.no, { code: c.no, name: c.description, detail: c.starting_date || '' });
      }
    }
    return [...seen.values()].slice(0, MAX);
  },
};

let seq = 0;

// What a picker of kind finds its records by (as SOURCES searches), for screen readers.
function helpFor(kind) {
  if (kind === 'salesperson') return t('pickerHelpSalesperson');
  if (kind === 'template') return t('pickerHelpTemplate');
  if (kind === 'campaign') return t('pickerHelpCampaign');
  return t('pickerHelp');
}

/*
 * A labelled picker field: spec {name, label, kind: contact|salesperson|template|campaign,
 * value, id}. Returns the .field wrapper; its input fires "change" (bubbling) when a
 * record is chosen, as a typed value does on leaving the field.
 */
export function picker(spec) {
  const n = ++seq;
  const id = spec.id || `p-${spec.name}-${n}`;
  const listId = `${id}-list`;
  const helpId = `${id}-help`;
  const input = h('input', { id, name: spec.name, type: 'text', value: spec.value ?? '',
    role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false',
    'aria-controls': listId, 'aria-describedby': helpId, autocomplete: 'off',
    class: 'picker-input', 'data-kind': spec.kind });
  // Labelled only while shown, so that the field's label names the input alone.
  const list = h('ul', { id: listId, role: 'listbox', class: 'picker-list', hidden: true });
  const named = h('span', { class: 'picked-name', 'aria-live': 'polite' });
  // Told to screen readers; sighted users see the list as they type.
  const help = h('small', { id: helpId, class: 'sr-only' }, helpFor(spec.kind));
  const nameKind = spec.kind === 'company' ? 'contact' : spec.kind;
  let items = [];
  let active = -1;
  let timer = null;
  let asked = 0;
  let shownFor = null; // the text (lower case) the shown options answer

  const showName = async () => {
    const v = input.value.trim();
    const name = v ? await nameOf(nameKind, v.toUpperCase()) || await nameOf(nameKind, v) : '';
    if (input.value.trim() === v) named.textContent = name;
  };
  const close = () => {
    list.hidden = true;
    list.removeAttribute('aria-label');
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const mark = (i) => {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', j === i ? 'true' : 'false'));
    if (i >= 0 && list.children[i]) {
      input.setAttribute('aria-activedescendant', list.children[i].id);
      list.children[i].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  };
  let announced = null; // the value a change event has already told the form about
  const choose = (i) => {
    const it = items[i];
    if (!it) return;
    input.value = it.code;
    announced = it.code;
    named.textContent = it.name;
    close();
    input.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const render = () => {
    list.replaceChildren(...(items.length ? items.map((it, i) => {
      const li = h('li', { id: `${id}-opt-${i}`, role: 'option', 'aria-selected': 'false',
                           class: 'picker-option', 'data-code': it.code },
      h('span', { class: 'name' }, it.name || it.code), ' ', h('span', { class: 'code' }, it.code),
      it.detail ? h('span', { class: 'detail' }, it.detail) : null);
      // mousedown would move the focus away and close the list before the click lands.
      li.addEventListener('mousedown', (ev) => ev.preventDefault());
      li.addEventListener('click', () => choose(i));
      return li;
    }) : [h('li', { class: 'picker-empty', role: 'option', 'aria-disabled': 'true' }, t('pickerNone'))]));
    list.setAttribute('aria-label', `${spec.label}: ${tn('pickerResults', items.length)}`);
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    mark(items.length ? 0 : -1);
  };
  // The small lists (salespersons, templates) open whole on ArrowDown with nothing typed.
  const small = spec.kind === 'salesperson' || spec.kind === 'template';
  const search = async (all) => {
    const q = input.value.trim();
    if (!q && !(all && small)) {
      items = [];
      close();
      return;
    }
    const mine = ++asked;
    const found = await SOURCES[spec.kind](q);
    if (mine !== asked || document.activeElement !== input) return;
    items = found;
    shownFor = q.toLowerCase();
    render();
  };
  // The option Enter or Tab takes: the highlighted one when the list answers what is typed
  // now; else (typing went on while an earlier answer was shown) the first option that
  // contains the text typed, or none (-1).
  const current = () => {
    const q = input.value.trim().toLowerCase();
    if (q === shownFor) return active;
    return items.findIndex((it) => [it.code, it.name, it.detail]
      .some((x) => String(x || '').toLowerCase().includes(q)));
  };

  input.addEventListener('input', () => {
    named.textContent = '';
    clearTimeout(timer);
    timer = setTimeout(search, 150);
  });
  input.addEventListener('keydown', (ev) => {
    const open = !list.hidden;
    if (ev.key === 'ArrowDown') {
      ev.preventDefault();
      if (!open) search(true);
      else if (items.length) mark((active + 1) % items.length);
    } else if (ev.key === 'ArrowUp') {
      ev.preventDefault();
      if (open && items.length) mark((active - 1 + items.length) % items.length);
    } else if (ev.key === 'Enter' && open && active >= 0) {
      ev.preventDefault();
      choose(current());
    } else if (ev.key === 'Tab' && open && active >= 0) {
      // Leaving the field takes the highlighted record, so a typed name never stays as
      // the value ("Kari Nordmann" becomes CT000007).
      choose(current());
    } else if (ev.key === 'Escape' && open) {
      // Close the list only; the dialog around it stays open.
      ev.preventDefault();
      ev.stopPropagation();
      close();
    }
  });
  input.addEventListener('blur', () => {
    clearTimeout(timer);
    asked++;
    close();
  });
  input.addEventListener('change', (ev) => {
    // The browser's own change on leaving the field repeats a choice already announced.
    if (ev.isTrusted && input.value === announced) {
      ev.stopPropagation();
      return;
    }
    announced = input.value;
    showName();
  });
  input.setPicked = (code) => {
    input.value = code || '';
    showName();
  };
  if (input.value) showName();
  const wrap = h('div', { class: 'field picker' }, h('label', { for: id }, spec.label),
    h('div', { class: 'picker-box' }, input, list), named, help);
  return wrap;
}
