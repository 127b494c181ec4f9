// Names for the codes the API returns: contacts, salespersons, templates and campaigns are
// looked up once and kept for the page's lifetime (salespersons and templates in one list
// request each, contacts and campaigns one by one as they appear), so tables show
// "Kari Nordmann" next to CT000007 instead of the number alone.
import { get } from './api.js';
import { t } from './i18n.js';
import { h, enc } from './ui.js';

const KINDS = {
  contact: { url: (c) => `/api/contacts/${enc(c)}`, name: (r) => r.name, href: (c) => `#/contacts/${enc(c)}` },
  salesperson: { list: '/api/salespersons?limit=500', key: 'code', name: (r) => r.name,
                 href: (c) => `#/salespersons/${enc(c)}` },
  template: { list: '/api/templates?limit=500', key: 'code', name: (r) => r.description },
  campaign: { url: (c) => `/api/campaigns/${enc(c)}`, name: (r) => r.description,
              href: (c) => `#/campaigns/${enc(c)}` },
};

const cache = new Map(); // "kind:code" -> Promise<name or ''>
const lists = new Map(); // kind -> Promise<records>

// All records of a small kind (salespersons, templates), read once.
export function listOf(kind, force) {
  const k = KINDS[kind];
  if (!k.list) return Promise.resolve([]);
  if (!lists.has(kind) || force) {
    lists.set(kind, get(k.list).then((r) => {
      for (const rec of r.items) cache.set(`${kind}:${rec[k.key]}`, Promise.resolve(k.name(rec) || ''));
      return r.items;
    }).catch(() => {
      lists.delete(kind);
      return [];
    }));
  }
  return lists.get(kind);
}

// Forget what is known about a kind (after records were added or renamed).
export function forget(kind) {
  lists.delete(kind);
  for (const key of [...cache.keys()]) if (key.startsWith(`${kind}:`)) cache.delete(key);
}

// Remember a name already at hand (a list row), saving a request.
export function remember(kind, code, name) {
  if (code) cache.set(`${kind}:${code}`, Promise.resolve(name || ''));
}

// The name of code (a Promise; '' when there is none or the record is gone).
export async function nameOf(kind, code) {
  if (!code) return '';
  const key = `${kind}:${code}`;
  const k = KINDS[kind];
  if (!cache.has(key) && k.list) await listOf(kind);
  if (!cache.has(key)) {
    cache.set(key, k.url ? get(k.url(code)).then((r) => k.name(r) || '', () => '') : Promise.resolve(''));
  }
  return cache.get(key);
}

/*
 * A table cell or fact for code: the name first, the code after it in a muted span, as a
 * link to the record's card where it has one. The name arrives asynchronously; until
 * then (and when there is none) the code stands alone.
 */
export function nameCell(kind, code, { link = true } = {}) {
  if (!code) return '—';
  const k = KINDS[kind];
  const el = link && k.href ? h('a', { href: k.href(code), class: 'named' }, code)
    : h('span', { class: 'named' }, code);
  nameOf(kind, code).then((name) => {
    if (name) el.replaceChildren(h('span', { class: 'name' }, name), ' ', h('span', { class: 'code' }, code));
  });
  return el;
}

// "Name (code)" as plain text, for option labels and messages.
export async function nameText(kind, code) {
  const name = await nameOf(kind, code);
  return name ? `${name} (${code})` : code || t('noName');
}
