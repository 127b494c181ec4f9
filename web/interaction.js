// The Create Interaction dialog, opened from a contact, a salesperson, a log entry, or to
// resume a postponed interaction. Defaults come from the server (POST prepare); only the
// fields the user filled in (or the context set) are sent, so the library's rules decide
// the rest. Cancel after filling something in asks whether to finish later (postpone: the
// server checks the required fields and stores every default). Comment lines typed in the
// dialog go with the entry; commentsDialog() lists, adds and deletes them later.
import { post, get, del } from './api.js';
import { t, tv, fmtDate } from './i18n.js';
import { h, field, modal, ask, choose, say, sayError, formValues } from './ui.js';
import { picker } from './picker.js';
import { showError, clearErrors } from './errors.js';

const FIELDS = ['contact_no', 'interaction_template_code', 'salesperson_code', 'date', 'time',
  'description', 'subject', 'cost', 'duration', 'correspondence_type', 'evaluation',
  'attempt_failed'];

// Fields a template brings its defaults for: a stored value of a resumed entry gives way to
// the new template's when the template changes (as the server does).
const TEMPLATE_FIELDS = ['description', 'cost', 'duration', 'correspondence_type'];

let lookups = null;

export async function loadLookups(force) {
  if (lookups && !force) return lookups;
  const [tpl, sp] = await Promise.all([get('/api/templates?limit=500'), get('/api/salespersons?limit=500')]);
  lookups = { templates: tpl.items, salespersons: sp.items };
  return lookups;
}

export const corr = () => [['', '—'], ...['hard_copy', 'email', 'fax'].map((v) => [v, tv('corr', v)])];
export const evals = () => [['', '—'], ...['very_positive', 'positive', 'neutral', 'negative',
  'very_negative'].map((v) => [v, tv('eval', v)])];

// opts: {contact_no, salesperson_code, from_entry_no, resume (a postponed entry), onDone}
export async function interactionDialog(opts = {}) {
  const start = opts.resume || {};
  const given = new Set();
  const stored = new Set(); // given only because the resumed entry held them
  const preset = {};
  if (opts.contact_no) preset.contact_no = opts.contact_no;
  if (opts.salesperson_code) preset.salesperson_code = opts.salesperson_code;
  for (const k of Object.keys(preset)) given.add(k);
  // From a log entry: show its contact and salesperson (the server takes them from it too).
  const source = opts.from_entry_no ? await get(`/api/interactions/${opts.from_entry_no}`) : null;
  if (source) {
    preset.contact_no = source.contact_no;
    preset.salesperson_code = source.salesperson_code;
  }
  // A resumed interaction starts again at today and now (the server's defaults).
  const val = (k) => preset[k] ?? (opts.resume && (k === 'date' || k === 'time') ? '' : start[k]) ?? '';
  const form = h('form', { class: 'grid', novalidate: true },
    picker({ name: 'contact_no', label: t('contact'), kind: 'contact', value: val('contact_no') }),
    picker({ name: 'interaction_template_code', label: t('template'), kind: 'template',
             value: val('interaction_template_code') }),
    picker({ name: 'salesperson_code', label: t('salesperson'), kind: 'salesperson',
             value: val('salesperson_code') }),
    field({ name: 'date', label: t('date'), type: 'date', value: val('date') }),
    field({ name: 'time', label: t('time'), value: val('time') }),
    field({ name: 'description', label: t('description'), value: val('description') }),
    field({ name: 'subject', label: t('subject'), value: val('subject') }),
    field({ name: 'cost', label: t('cost'), type: 'money', value: val('cost') }),
    field({ name: 'duration', label: t('duration'), type: 'money', value: val('duration') }),
    field({ name: 'correspondence_type', label: t('correspondence'), type: 'select',
            value: val('correspondence_type'), options: corr() }),
    field({ name: 'evaluation', label: t('evaluation'), type: 'select', value: val('evaluation'),
            options: evals() }),
    field({ name: 'attempt_failed', label: t('attemptFailed'), type: 'checkbox',
            value: start.attempt_failed }),
    h('div', { class: 'field span' },
      h('label', { for: 'dlg-comments' }, t('comments')),
      h('textarea', { id: 'dlg-comments', rows: 2, 'aria-describedby': 'dlg-comments-help' }),
      h('small', { id: 'dlg-comments-help' }, t('commentsHelp'))));
  const msg = h('p', { class: 'dialog-error', role: 'alert' });
  const general = (nodes) => msg.replaceChildren(...nodes);
  const fail = (e) => showError(form, e, general);
  const clear = () => {
    clearErrors(form);
    msg.replaceChildren();
  };
  const okBtn = h('button', { type: 'submit', class: 'primary' }, t('ok'));
  const cancelBtn = h('button', { type: 'button' }, t('cancel'));
  form.append(msg, h('div', { class: 'buttons' }, okBtn, cancelBtn));
  const title = opts.resume ? `${t('resume')}: ${t('entry')} ${opts.resume.entry_no}`
    : t('createInteraction');
  let m = null;

  const values = () => {
    const all = formValues(form);
    const out = {};
    for (const k of FIELDS) if (given.has(k)) out[k] = all[k];
    const comments = form.querySelector('#dlg-comments').value.split('\n')
      .map((x) => x.trim()).filter((x) => x);
    if (comments.length) out.comments = comments;
    return out;
  };
  // Refresh the untouched fields from the server's defaults.
  async function prepare() {
    const body = values();
    delete body.comments;
    if (opts.from_entry_no) body.from_entry_no = opts.from_entry_no;
    if (!body.interaction_template_code) return;
    if (!body.contact_no && !opts.from_entry_no) return;
    try {
      const d = await post('/api/interactions/prepare', body);
      for (const k of FIELDS) {
        if (given.has(k)) continue;
        const el = form.elements[k];
        if (!el) continue;
        if (el.type === 'checkbox') el.checked = !!d[k];
        else if (el.setPicked) el.setPicked(d[k] ?? '');
        else el.value = d[k] ?? '';
      }
      clear();
      // The library's warning is an English sentence: marked so, after a word in the
      // user's language.
      if (d.warning) msg.replaceChildren(`${t('warning')}: `, h('span', { lang: 'en' }, d.warning));
    } catch (e) {
      fail(e);
    }
  }
  // Whether the user has typed or chosen anything: only then does leaving ask.
  let touched = false;
  // A field being typed in is the user's: the server's defaults no longer replace it.
  form.addEventListener('input', (ev) => {
    touched = true;
    if (ev.target.name && ev.target.type !== 'checkbox' && !ev.target.setPicked) {
      given.add(ev.target.name);
      stored.delete(ev.target.name);
    }
  });
  form.addEventListener('change', (ev) => {
    touched = true;
    if (!ev.target.name) return;
    given.add(ev.target.name);
    stored.delete(ev.target.name);
    if (ev.target.name === 'interaction_template_code') {
      for (const k of TEMPLATE_FIELDS) {
        if (stored.has(k)) {
          stored.delete(k);
          given.delete(k);
        }
      }
    }
    if (['contact_no', 'interaction_template_code', 'salesperson_code'].includes(ev.target.name)) {
      prepare();
    }
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    okBtn.disabled = true;
    try {
      let d;
      if (opts.resume) {
        d = await post(`/api/interactions/${opts.resume.entry_no}/resume`, values());
      } else {
        const body = values();
        if (opts.from_entry_no) body.from_entry_no = opts.from_entry_no;
        d = await post('/api/interactions', body);
      }
      m.close();
      say(t('interactionCreated', d.entry_no));
      opts.onDone && opts.onDone(d);
    } catch (e) {
      fail(e);
    } finally {
      okBtn.disabled = false;
    }
  });
  async function onCancel() {
    if (!touched) {
      m.close();
      return;
    }
    // Escape (or Keep editing) goes back to the dialog with everything typed still there;
    // only an explicit Discard throws it away.
    const answer = await choose(t('finishLater'), t('finishLaterHelp'), [['later', t('finishLaterYes'), 'primary'],
      ['discard', t('discard')], [null, t('keepEditing')]], null);
    if (answer === null) return;
    if (answer === 'discard') {
      m.close();
      return;
    }
    try {
      const body = values();
      if (opts.resume) body.entry_no = opts.resume.entry_no;
      if (source) {
        body.contact_no = body.contact_no || source.contact_no;
        body.salesperson_code = body.salesperson_code || source.salesperson_code;
      }
      const d = await post('/api/interactions/postpone', body);
      m.close();
      say(t('interactionPostponed', d.entry_no));
      opts.onDone && opts.onDone(d);
    } catch (e) {
      fail(e);
    }
  }
  cancelBtn.addEventListener('click', onCancel);
  m = modal(title, form, onCancel);
  m.dlg.classList.add('wide');
  if (opts.resume) {
    for (const k of FIELDS) {
      const v = start[k];
      if (v && v !== '0.00' && k !== 'attempt_failed' && k !== 'date' && k !== 'time') {
        given.add(k);
        stored.add(k);
      }
    }
  }
  prepare();
  return m;
}

// The comment lines of entry entryNo: listed, added (dated today unless a date is given)
// and deleted one by one.
export async function commentsDialog(entryNo) {
  const list = h('ul', { class: 'comments', 'aria-live': 'polite' });
  const text = h('input', { id: 'comment-text', name: 'comment', type: 'text', maxlength: 80 });
  const date = h('input', { id: 'comment-date', name: 'date', type: 'date' });
  const form = h('form', { class: 'grid' },
    h('div', { class: 'field' }, h('label', { for: 'comment-text' }, t('comment')), text),
    h('div', { class: 'field' }, h('label', { for: 'comment-date' }, t('date')), date),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, t('addComment'))));
  async function load() {
    const r = await get(`/api/interactions/${entryNo}/comments`);
    list.replaceChildren(...(r.items.length ? r.items.map((c) => h('li', { 'data-line': c.line_no },
      `${fmtDate(c.date)} ${c.comment} `,
      h('button', { type: 'button', class: 'delete-comment',
        'aria-label': `${t('delete')} ${t('line')} ${c.line_no}`, onclick: async () => {
          // A deleted comment cannot be had back: ask first, quoting it.
          if (!(await ask(t('deleteCommentQ', c.line_no), `${fmtDate(c.date)} ${c.comment}`,
            { yes: t('delete'), no: t('keepAsIs') }))) return;
          try {
            await del(`/api/interactions/${entryNo}/comments/${c.line_no}`);
            await load();
            say(t('commentDeleted'));
          } catch (e) {
            sayError(e);
          }
        } }, t('delete')))) : [h('li', {}, t('none'))]));
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await post(`/api/interactions/${entryNo}/comments`,
        date.value ? { comment: text.value, date: date.value } : { comment: text.value });
      text.value = '';
      clearErrors(form);
      await load();
      say(t('commentAdded', entryNo));
    } catch (e) {
      showError(form, e, (nodes) => say(nodes, 'error'));
    }
  });
  let m = null;
  const close = h('button', { type: 'button', onclick: () => m.close() }, t('close'));
  m = modal(t('commentsOf', entryNo), h('div', {}, list, form, h('div', { class: 'buttons' }, close)),
    () => m.close());
  await load();
  return m;
}
