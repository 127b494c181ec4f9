// relm web UI: sign-in, layout and hash routing; the pages are in pages.js and segment.js.
import { get, post, setCsrf } from './api.js';
import { t, tv, getLang, setLang } from './i18n.js';
import { h, say, sayError, field, statusNodesToKeep, clearStatus } from './ui.js';
import * as pages from './pages.js';
import { segmentPage, segmentsPage, loggedSegmentsPage, loggedSegmentPage } from './segment.js';
import { homePage } from './home.js';
import { entryPage } from './entry.js';
import { templatePage } from './template.js';
import { usersPage } from './users.js';
import { mailPage } from './mail.js';

const app = document.getElementById('app');
let me = null;

const routes = {
  home: () => homePage(me),
  contacts: (a) => (a[0] ? pages.contactCard(a[0], me) : pages.contactsPage()),
  salespersons: (a) => (a[0] ? pages.salespersonCard(a[0]) : pages.salespersonsPage()),
  interactions: (a) => (a[0] ? entryPage(a[0]) : pages.interactionLogPage()),
  postponed: () => pages.postponedPage(),
  segments: (a) => (a[0] ? segmentPage(a[0]) : segmentsPage()),
  'logged-segments': (a) => (a[0] ? loggedSegmentPage(a[0]) : loggedSegmentsPage()),
  campaigns: (a) => (a[0] ? pages.campaignCard(a[0]) : pages.campaignsPage()),
  templates: (a) => (a[0] ? templatePage(me, a[0]) : pages.templatesPage(me)),
  setup: () => pages.setupPage(me),
  users: () => usersPage(me),
  mail: () => mailPage(),
};

const nav = [['home', 'home'], ['contacts', 'contacts'], ['salespersons', 'salespersons'],
  ['interactions', 'interactions'], ['postponed', 'postponed'], ['segments', 'segments'],
  ['logged-segments', 'loggedSegments'], ['campaigns', 'campaigns'], ['templates', 'templates'],
  ['setup', 'setup'], ['mail', 'mail', 'admin'], ['users', 'users', 'admin']];

function languagePicker() {
  const sel = h('select', { id: 'lang', 'aria-label': t('language') },
    h('option', { value: 'en' }, 'English'), h('option', { value: 'nb' }, 'Norsk bokmål'));
  sel.value = getLang();
  sel.addEventListener('change', () => {
    setLang(sel.value);
    clearStatus();
    render();
  });
  return sel;
}

function renderLogin() {
  const msg = h('p', { id: 'login-error', role: 'alert', class: 'dialog-error' });
  const form = h('form', { class: 'login', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'relm'),
    field({ name: 'name', label: t('user'), autocomplete: 'username' }),
    field({ name: 'password', label: t('password'), type: 'password',
            autocomplete: 'current-password' }),
    msg, h('button', { type: 'submit', class: 'primary' }, t('signIn')), languagePicker());
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      me = await post('/api/login', { name: form.elements.name.value,
                                     password: form.elements.password.value });
      setCsrf(me.csrf_token);
      if (!location.hash || location.hash === '#/login') location.hash = '#/home';
      render();
    } catch (e) {
      msg.textContent = e.status === 401 || e.code === 'unauthenticated' ? t('code.unauthenticated')
        : t(`code.${e.code}`) === `code.${e.code}` ? t('code.error') : t(`code.${e.code}`);
    }
  });
  app.replaceChildren(h('main', { id: 'main' }, form));
  form.elements.name.focus();
}

async function render() {
  if (!me) return renderLogin();
  const parts = location.hash.replace(/^#\/?/, '').split('?')[0].split('/').filter(Boolean)
    .map(decodeURIComponent);
  const name = routes[parts[0]] ? parts[0] : 'home';
  const header = h('header', {},
    h('a', { href: '#main', class: 'skip' }, t('skipToContent')),
    h('span', { class: 'brand' }, 'relm'),
    h('nav', { 'aria-label': 'relm' }, h('ul', {}, nav.filter(([, , role]) => !role || me.role === role).map(([r, key]) =>
      h('li', {}, h('a', { href: `#/${r}`, 'aria-current': r === name ? 'page' : null }, t(key)))))),
    h('span', { class: 'who' }, `${me.full_name || me.name} (${tv('role', me.role)})`),
    languagePicker(),
    h('button', { type: 'button', id: 'logout', onclick: logout }, t('signOut')));
  const main = h('main', { id: 'main', tabindex: '-1' }, h('p', {}, t('loading')));
  // A message said just before the navigation (Deleted, Logged) survives it.
  const kept = statusNodesToKeep();
  const status = h('div', { id: 'status', class: kept ? kept.className : 'status', role: 'status',
                            'aria-live': 'polite' }, kept ? kept.nodes : null);
  app.replaceChildren(header, status, main);
  // On a phone the menu scrolls sideways: keep the current page's entry in sight.
  const current = header.querySelector('nav [aria-current=page]');
  const menu = header.querySelector('nav');
  if (current && menu.scrollWidth > menu.clientWidth) {
    menu.scrollLeft = current.offsetLeft - (menu.clientWidth - current.offsetWidth) / 2;
  }
  try {
    const page = await routes[name](parts.slice(1));
    main.replaceChildren(page);
  } catch (e) {
    if (e.status === 401) {
      me = null;
      return renderLogin();
    }
    main.replaceChildren(h('p', {}, ''));
    sayError(e);
  }
}

async function logout() {
  try {
    await post('/api/logout');
  } catch (e) {
    say(e.message, 'error');
  }
  me = null;
  setCsrf(null);
  location.hash = '#/login';
  renderLogin();
}

window.addEventListener('hashchange', render);

(async () => {
  try {
    me = await get('/api/me');
    setCsrf(me.csrf_token);
  } catch {
    me = null;
  }
  render();
})();
