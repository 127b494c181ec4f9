// Users and API tokens, for administrators: who may sign in, with which role and
// salesperson; new accounts, changes, disabling, new passwords; API tokens for scripts,
// created (the secret is shown once, only its hash is kept) and revoked.
import { get, post, patch, del } from './api.js';
import { t, tv, fmtDate } from './i18n.js';
import { h, field, modal, ask, say, sayError, formValues, enc } from './ui.js';
import { nameCell } from './names.js';
import { picker } from './picker.js';
import { showError, clearErrors } from './errors.js';

const roles = () => [['user', tv('role', 'user')], ['admin', tv('role', 'admin')]];

/*
 * A form in a dialog: fields, a primary button labelled okLabel; submit(values) saves
 * (errors stand next to their fields) and resolves the dialog with its result.
 */
function formDialog(title, fields, okLabel, submit) {
  return new Promise((resolve) => {
    const form = h('form', { class: 'grid', novalidate: true }, fields);
    const msg = h('p', { class: 'dialog-error', role: 'alert' });
    const ok = h('button', { type: 'submit', class: 'primary' }, okLabel);
    const cancel = h('button', { type: 'button' }, t('cancel'));
    form.append(msg, h('div', { class: 'buttons span' }, ok, cancel));
    let m = null;
    const done = (v) => {
      m.close();
      resolve(v);
    };
    cancel.addEventListener('click', () => done(null));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      ok.disabled = true;
      try {
        const r = await submit(formValues(form));
        clearErrors(form);
        done(r);
      } catch (e) {
        showError(form, e, (nodes) => msg.replaceChildren(...nodes));
      } finally {
        ok.disabled = false;
      }
    });
    m = modal(title, form, () => done(null));
    const first = form.querySelector('input, select');
    if (first) first.focus();
  });
}

// The secret of a new token, shown once with the advice to keep it now.
function showSecret(tok) {
  return new Promise((resolve) => {
    const id = 'token-secret';
    const input = h('input', { id, type: 'text', readonly: true, value: tok.token, class: 'secret',
                               'aria-describedby': 'token-secret-help' });
    let m = null;
    const close = h('button', { type: 'button', class: 'primary', onclick: () => { m.close(); resolve(); } },
      t('tokenCopied'));
    const copy = h('button', { type: 'button', onclick: async () => {
      input.select();
      try {
        await navigator.clipboard.writeText(tok.token);
        say(t('copied'));
      } catch {
        document.execCommand && document.execCommand('copy');
      }
    } }, t('copy'));
    m = modal(t('tokenCreatedTitle', tok.id), h('div', {},
      h('div', { class: 'field' }, h('label', { for: id }, t('tokenSecret')), input),
      h('p', { id: 'token-secret-help', class: 'hint' }, t('tokenShownOnce')),
      h('div', { class: 'buttons' }, close, copy)), () => { m.close(); resolve(); });
    input.focus();
    input.select();
  });
}

export async function usersPage(me) {
  const [users, tokens] = await Promise.all([get('/api/users'), get('/api/tokens')]);
  const reload = () => window.dispatchEvent(new HashChangeEvent('hashchange'));
  const userOptions = users.items.map((u) => [u.name, u.full_name ? `${u.full_name} (${u.name})` : u.name]);

  const editUser = (u) => formDialog(t('editUserTitle', u.name), [
    field({ name: 'full_name', label: t('fullName'), value: u.full_name }),
    field({ name: 'role', label: t('role'), type: 'select', value: u.role, options: roles() }),
    picker({ name: 'salesperson_code', label: t('salesperson'), kind: 'salesperson', value: u.salesperson_code }),
  ], t('saveUser'), async (v) => patch(`/api/users/${enc(u.name)}`, v));

  const resetPassword = (u) => formDialog(t('resetPasswordTitle', u.name), [
    field({ name: 'password', label: t('newPassword'), type: 'password', autocomplete: 'new-password' }),
    h('p', { class: 'hint span' }, t('resetPasswordHelp')),
  ], t('setPassword'), async (v) => post(`/api/users/${enc(u.name)}/password`, { password: v.password }));

  const toggleDisabled = async (u) => {
    if (!u.disabled && !(await ask(t('disableUserQ', u.name), t('disableUserHelp'),
      { yes: t('disableUser'), no: t('cancel') }))) return;
    try {
      await patch(`/api/users/${enc(u.name)}`, { disabled: !u.disabled });
      say(t(u.disabled ? 'userEnabled' : 'userDisabled', u.name));
      reload();
    } catch (e) {
      sayError(e);
    }
  };

  const rows = users.items.map((u) => h('tr', { 'data-user': u.name },
    h('td', { 'data-label': t('user') }, u.name),
    h('td', { 'data-label': t('fullName') }, u.full_name || '—'),
    h('td', { 'data-label': t('role') }, tv('role', u.role)),
    h('td', { 'data-label': t('salesperson') }, nameCell('salesperson', u.salesperson_code)),
    h('td', { 'data-label': t('status') }, u.disabled ? t('disabled') : t('active')),
    h('td', { 'data-label': t('createdOn') }, fmtDate(u.created_at)),
    h('td', { 'data-label': '' }, h('div', { class: 'row-actions' },
      h('button', { type: 'button', class: 'edit-user', 'aria-label': `${t('editUser')} ${u.name}`,
        onclick: async () => {
          if (await editUser(u)) {
            say(t('userSaved', u.name));
            reload();
          }
        } }, t('editUser')),
      h('button', { type: 'button', class: 'password-user', 'aria-label': `${t('resetPassword')} ${u.name}`,
        onclick: async () => {
          if (await resetPassword(u)) {
            say(t('passwordSet', u.name));
            reload();
          }
        } }, t('resetPassword')),
      u.name === me.name ? null : h('button', { type: 'button', class: 'disable-user',
        'aria-label': `${u.disabled ? t('enableUser') : t('disableUser')} ${u.name}`,
        onclick: () => toggleDisabled(u) }, u.disabled ? t('enableUser') : t('disableUser'))))));

  const addUser = h('button', { type: 'button', class: 'primary', id: 'add-user', onclick: async () => {
    const u = await formDialog(t('newUser'), [
      field({ name: 'name', label: t('user'), autocomplete: 'off' }),
      field({ name: 'full_name', label: t('fullName') }),
      field({ name: 'password', label: t('password'), type: 'password', autocomplete: 'new-password' }),
      field({ name: 'role', label: t('role'), type: 'select', value: 'user', options: roles() }),
      picker({ name: 'salesperson_code', label: t('salesperson'), kind: 'salesperson' }),
    ], t('addUser'), async (v) => post('/api/users', v));
    if (u) {
      say(t('userAdded', u.name));
      reload();
    }
  } }, t('newUser'));

  const state = (k) => (k.revoked ? t('revoked')
    : k.expires_at && k.expires_at * 1000 < Date.now() ? t('expired') : t('active'));
  const tokenRows = tokens.items.map((k) => h('tr', { 'data-token': k.id },
    h('td', { 'data-label': t('numberCol') }, String(k.id)),
    h('td', { 'data-label': t('user') }, k.user_name),
    h('td', { 'data-label': t('description') }, k.description || '—'),
    h('td', { 'data-label': t('createdOn') }, fmtDate(k.created_at)),
    h('td', { 'data-label': t('lastUsed') }, k.last_used_at ? fmtDate(k.last_used_at) : '—'),
    h('td', { 'data-label': t('expires') }, k.expires_at ? fmtDate(new Date(k.expires_at * 1000).toISOString())
      : t('never')),
    h('td', { 'data-label': t('status') }, state(k)),
    h('td', { 'data-label': '' }, k.revoked ? '' : h('button', { type: 'button', class: 'revoke-token',
      'aria-label': `${t('revoke')} ${k.id}`, onclick: async () => {
        if (!(await ask(t('revokeTokenQ', k.id, k.user_name), t('revokeTokenHelp'),
          { yes: t('revoke'), no: t('cancel') }))) return;
        try {
          await del(`/api/tokens/${k.id}`);
          say(t('tokenRevoked', k.id));
          reload();
        } catch (e) {
          sayError(e);
        }
      } }, t('revoke')))));

  const newToken = h('button', { type: 'button', id: 'new-token', onclick: async () => {
    const tok = await formDialog(t('newToken'), [
      field({ name: 'user_name', label: t('user'), type: 'select', value: me.name, options: userOptions }),
      field({ name: 'description', label: t('description') }),
      field({ name: 'expires_in_days', label: t('expiresInDays'), type: 'number', value: '90' }),
      h('p', { class: 'hint span' }, t('expiresHelp')),
    ], t('createToken'), async (v) => post('/api/tokens', { ...v,
      expires_in_days: v.expires_in_days === '' ? undefined : Number(v.expires_in_days) }));
    if (tok) {
      await showSecret(tok);
      say(t('tokenCreated', tok.id, tok.user_name));
      reload();
    }
  } }, t('newToken'));

  const table = (head, body, caption) => h('div', { class: 'table-wrap' }, h('table', { class: 'cards' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, head.map((x) => h('th', { scope: 'col' }, x)))), h('tbody', {}, body)));
  return h('section', {}, h('h1', {}, t('users')),
    h('div', { class: 'toolbar' }, addUser),
    table([t('user'), t('fullName'), t('role'), t('salesperson'), t('status'), t('createdOn'), t('actions')],
      rows, t('userAccounts')),
    h('h2', { id: 'tokens-h' }, t('apiTokens')),
    h('p', { class: 'hint' }, t('tokensHelp')),
    h('div', { class: 'toolbar' }, newToken),
    table([t('numberCol'), t('user'), t('description'), t('createdOn'), t('lastUsed'), t('expires'), t('status'),
      t('actions')], tokenRows.length ? tokenRows
      : h('tr', {}, h('td', { colspan: 8 }, t('none'))), t('apiTokens')));
}
