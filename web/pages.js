// Pages for contacts, salespersons, the interaction log, postponed interactions,
// templates and marketing setup.
import { get, post, patch, del, qs } from './api.js';
import { t, tn, tv, fmtNum, fmtDate, fmtInt } from './i18n.js';
import { h, ask, say, sayError, sayErrorNodes, field, formValues, pagedTable, link, enc } from './ui.js';
import { interactionDialog, commentsDialog, loadLookups } from './interaction.js';
import { nameCell, forget } from './names.js';
import { picker } from './picker.js';
import { showError, clearErrors } from './errors.js';
import { contactDialog } from './contact.js';

// Facts of a record: keys are [field, label, format]; format turns the value into text or a
// node (names for codes, words for stored values, local numbers and dates).
function dl(rec, keys) {
  return h('dl', { class: 'facts' }, keys.flatMap(([k, label, fmt]) =>
    [h('dt', {}, label), h('dd', {}, rec[k] === true ? '✓'
      : rec[k] === false || rec[k] === '' || rec[k] === undefined || rec[k] === null ? '—'
        : fmt ? fmt(rec[k], rec) : String(rec[k]))]));
}

const num = (v) => fmtNum(v);
const int = (v) => fmtInt(v);
const date = (v) => fmtDate(v);

/*
 * The interaction history of a card. onChange (optional) runs whenever the history may
 * have changed (reload, evaluation), so that the card's statistics follow it. canSelect
 * adds the column of check boxes, for a page that has an action on the selected entries.
 */
function historyTable(params, { canEvaluate, canSelect, onChange } = {}) {
  let table = null;
  const cols = [
    { label: t('entry'), sort: 'entry_no', firstDesc: true,
      cell: (e) => link(`#/interactions/${e.entry_no}`, String(e.entry_no)) },
    { label: t('date'), sort: 'date', firstDesc: true, cell: (e) => fmtDate(e.date) },
    { label: t('contact'), sort: 'contact_name', cell: (e) => nameCell('contact', e.contact_no) },
    { label: t('template'), sort: 'interaction_template_code',
      cell: (e) => nameCell('template', e.interaction_template_code) },
    { label: t('description'), sort: 'description', cell: (e) => e.description },
    { label: t('subject'), sort: 'subject', cell: (e) => e.subject || '—' },
    { label: t('salesperson'), sort: 'salesperson_code', cell: (e) => nameCell('salesperson', e.salesperson_code) },
    { label: t('cost'), sort: 'cost', firstDesc: true, cell: (e) => fmtNum(e.cost) },
    { label: t('duration'), sort: 'duration', firstDesc: true, cell: (e) => fmtNum(e.duration) },
    { label: t('evaluation'), sort: 'evaluation', cell: (e) => tv('eval', e.evaluation) || '—' },
    { label: t('canceled'), cell: (e) => (e.canceled ? t('canceled') : '') },
    { label: t('comments'), cell: (e) => h('button', { type: 'button', class: 'comments',
      'data-entry': e.entry_no, 'aria-label': `${t('comments')} ${e.entry_no}`,
      onclick: () => commentsDialog(e.entry_no) }, t('comments')) },
  ];
  if (canSelect) {
    cols.unshift({ label: t('selectCol'), cell: (e) => h('input', { type: 'checkbox', class: 'pick',
      'data-entry': e.entry_no, 'aria-label': `${t('entry')} ${e.entry_no}` }) });
  }
  if (canEvaluate) {
    cols.push({ label: t('evaluate'), cell: (e) => {
      const sel = h('select', { 'aria-label': `${t('evaluate')} ${e.entry_no}` },
        ['', 'very_positive', 'positive', 'neutral', 'negative', 'very_negative']
          .map((v) => h('option', { value: v }, tv('eval', v) || '—')));
      sel.value = e.evaluation;
      sel.addEventListener('change', async () => {
        try {
          await post(`/api/interactions/${e.entry_no}/evaluate`, { evaluation: sel.value });
          say(t('evaluationSaved', e.entry_no, tv('eval', sel.value) || '—'));
          if (onChange) onChange();
        } catch (err) {
          sayError(err);
        }
      });
      return sel;
    } });
    cols.push({ label: '', cell: (e) => h('button', { type: 'button', class: 'from-entry',
      'data-entry': e.entry_no,
      onclick: () => interactionDialog({ from_entry_no: e.entry_no, onDone: () => table.reload() }) },
    t('createInteraction')) });
  }
  table = pagedTable({ url: '/api/interactions', params, cols, caption: t('history') });
  if (onChange) {
    const reload = table.reload;
    table.reload = () => {
      reload();
      onChange();
    };
  }
  return table;
}

/* A statistics block read from url (a record with .statistics); .refresh() reads it again. */
function statsBlock(record, url, fields) {
  const body = h('div', {}, dl(record.statistics, fields));
  const section = h('section', { 'aria-labelledby': 'stats-h', 'aria-live': 'polite' },
    h('h2', { id: 'stats-h' }, t('statistics')), body);
  section.refresh = async () => {
    try {
      const fresh = await get(url);
      body.replaceChildren(dl(fresh.statistics, fields));
    } catch (e) {
      sayError(e);
    }
  };
  return section;
}

// The search box looks in number, name, e-mail and city at once, ignoring case (?q=).
export async function contactsPage() {
  const search = h('input', { type: 'search', id: 'contact-search', 'aria-label': t('search') });
  const table = pagedTable({ url: '/api/contacts', cols: [
    { label: t('numberCol'), cell: (c) => link(`#/contacts/${enc(c.no)}`, c.no) },
    { label: t('name'), cell: (c) => link(`#/contacts/${enc(c.no)}`, c.name) },
    { label: t('type'), cell: (c) => (c.type === 'company' ? t('company') : t('person')) },
    { label: t('company'), cell: (c) => (c.type === 'person' && c.company_no
      ? link(`#/contacts/${enc(c.company_no)}`, c.company_name || c.company_no) : '') },
    { label: t('city'), cell: (c) => c.city },
    { label: t('salesperson'), cell: (c) => nameCell('salesperson', c.salesperson_code) },
  ] });
  const form = h('form', { class: 'toolbar', role: 'search' }, search,
    h('button', { type: 'submit' }, t('search')),
    h('button', { type: 'button', class: 'primary', id: 'new-contact', onclick: async () => {
      const c = await contactDialog(null);
      if (c) location.hash = `#/contacts/${enc(c.no)}`;
    } }, t('newContact')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    // The server searches number, name, e-mail and city at once, folding case.
    const q = search.value.trim();
    table.restart(q ? { q } : {});
  });
  search.addEventListener('search', () => {
    if (!search.value) table.restart({});
  });
  return h('section', {}, h('h1', {}, t('contacts')), form, table);
}

export async function contactCard(no, me) {
  const c = await get(`/api/contacts/${enc(no)}`);
  const stats = statsBlock(c, `/api/contacts/${enc(c.no)}`,
    [['no_of_interactions', t('noOfInteractions'), int], ['cost', t('cost'), num],
      ['duration', t('duration'), num], ['date_of_last_interaction', t('lastInteraction'), date],
      ['last_date_attempted', t('lastAttempted'), date],
      ['no_of_postponed_interactions', t('postponed'), int]]);
  const hist = historyTable({ contact_no: c.no }, { canEvaluate: true, onChange: () => stats.refresh() });
  // A company is deleted with its persons only when asked; the server refuses otherwise.
  const company = c.type === 'company';
  const withPersons = company ? h('input', { type: 'checkbox', id: 'delete-with-persons' }) : null;
  const remove = async () => {
    const what = company ? t(withPersons.checked ? 'deleteCompanyPersonsHelp' : 'deleteCompanyHelp')
      : c.company_no ? t('deletePersonHelp', c.company_no) : t('deleteLonePersonHelp');
    // Say how many contacts go: the company and, when asked, its persons.
    let persons = 0;
    try {
      if (company && withPersons.checked) {
        persons = (await get('/api/contacts' + qs({ where: [`company_no=${c.no}`, 'type=person'], limit: 500 })))
          .items.filter((p) => p.no !== c.no).length;
      }
    } catch (e) {
      sayError(e);
      return;
    }
    const help = `${tn('deleteContactsCount', 1 + persons)} ${what}`;
    if (!(await ask(t('deleteContactQ', `${c.name} (${c.no})`), help,
      { yes: t('deleteContact'), no: t('cancel') }))) return;
    try {
      await del(`/api/contacts/${enc(c.no)}${withPersons && withPersons.checked ? '?with_persons=true' : ''}`);
      say(t('contactDeleted', `${c.name} (${c.no})`));
      location.hash = '#/contacts';
    } catch (e) {
      sayError(e);
    }
  };
  // Erasure is for administrators only (the server refuses others) and cannot be undone.
  const erase = async () => {
    if (!(await ask(t('eraseContactQ', c.no), t('eraseContactHelp')))) return;
    try {
      await post(`/api/contacts/${enc(c.no)}/erase`, {});
      say(t('erased', c.no));
      location.hash = `#/contacts/${enc(c.no)}?erased=${Date.now()}`;
    } catch (e) {
      sayError(e);
    }
  };
  const admin = me && me.role === 'admin';
  return h('section', { class: 'card' },
    h('h1', {}, c.name, ' ', h('span', { class: 'code' }, c.no)),
    h('div', { class: 'toolbar' },
      h('button', { type: 'button', class: 'primary', id: 'create-interaction',
        onclick: () => interactionDialog({ contact_no: c.no, onDone: () => hist.reload() }) },
      t('createInteraction')),
      link(`#/postponed?contact_no=${enc(c.no)}`, t('postponed')),
      h('button', { type: 'button', id: 'edit-contact', onclick: async () => {
        if (await contactDialog(c)) window.dispatchEvent(new HashChangeEvent('hashchange'));
      } }, t('editContact')),
      h('button', { type: 'button', id: 'delete-contact', onclick: remove }, t('deleteContact')),
      company ? h('label', { for: 'delete-with-persons' }, withPersons, ' ', t('withPersons')) : null,
      admin ? h('button', { type: 'button', id: 'erase-contact', onclick: erase }, t('eraseContact'))
        : null),
    dl(c, [['type', t('type'), (v) => (v === 'company' ? t('company') : t('person'))],
      ...(company ? [] : [['company_no', t('company'), (v) => nameCell('contact', v)]]),
      ['email', t('email')], ['phone_no', t('phone')], ['city', t('city')],
      ['salesperson_code', t('salesperson'), (v) => nameCell('salesperson', v)],
      ['language_code', t('language_code')],
      ['correspondence_type', t('correspondence'), (v) => tv('corr', v)]]),
    stats, hist);
}

export async function salespersonsPage() {
  return h('section', {}, h('h1', {}, t('salespersons')), pagedTable({ url: '/api/salespersons',
    cols: [{ label: t('code'), cell: (s) => link(`#/salespersons/${enc(s.code)}`, s.code) },
      { label: t('name'), cell: (s) => link(`#/salespersons/${enc(s.code)}`, s.name) },
      { label: t('email'), cell: (s) => s.email }] }));
}

export async function salespersonCard(code) {
  const s = await get(`/api/salespersons/${enc(code)}`);
  const stats = statsBlock(s, `/api/salespersons/${enc(s.code)}`,
    [['no_of_interactions', t('noOfInteractions'), int], ['cost', t('cost'), num],
      ['duration', t('duration'), num]]);
  const hist = historyTable({ salesperson_code: s.code }, { canEvaluate: true, onChange: () => stats.refresh() });
  return h('section', { class: 'card' }, h('h1', {}, s.name, ' ', h('span', { class: 'code' }, s.code)),
    h('div', { class: 'toolbar' }, h('button', { type: 'button', class: 'primary', id: 'create-interaction',
      onclick: () => interactionDialog({ salesperson_code: s.code, onDone: () => hist.reload() }) },
    t('createInteraction')),
    link(`#/postponed?salesperson_code=${enc(s.code)}`, t('postponed'))),
    dl(s, [['email', t('email')], ['phone_no', t('phone')], ['job_title', t('fld.job_title')]]),
    stats, hist);
}

export async function interactionLogPage() {
  const table = historyTable({ status: 'all' }, { canEvaluate: true, canSelect: true });
  // Filters over the log (the list API's query parameters); the table starts again at its
  // first page with them.
  const lk = await loadLookups();
  const filter = h('form', { class: 'grid', id: 'log-filter', role: 'search', 'aria-label': t('filterLog') },
    field({ name: 'q', label: t('searchLog'), type: 'search' }),
    picker({ name: 'contact_no', label: t('contact'), kind: 'contact', id: 'log-filter-contact' }),
    field({ name: 'salesperson_code', label: t('salesperson'), type: 'select',
            options: [['', t('all')], ...lk.salespersons.map((x) => [x.code, `${x.name} (${x.code})`])] }),
    field({ name: 'interaction_template_code', label: t('template'), type: 'select',
            options: [['', t('all')], ...lk.templates.map((x) => [x.code, `${x.description} (${x.code})`])] }),
    field({ name: 'from', label: t('fromDate'), type: 'date' }),
    field({ name: 'to', label: t('toDate'), type: 'date' }),
    field({ name: 'status', label: t('status'), type: 'select', value: 'all',
            options: [['all', t('all')], ['active', t('active')], ['canceled', t('canceled')],
              ['postponed', t('postponed')]] }),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, t('applyFilter')),
      h('button', { type: 'reset' }, t('clearFilter'))));
  filter.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = formValues(filter);
    // A name typed but not chosen from the list is no contact no.: say so, rather than
    // show an empty log as if the contact had no entries.
    if (v.contact_no) {
      try {
        const found = await get('/api/contacts' + qs({ where: `no=${v.contact_no}`, limit: 1 }));
        if (!found.items.length) {
          showError(filter, { code: 'not_found', message: `contact ${v.contact_no} does not exist` },
            sayErrorNodes);
          return;
        }
      } catch (e) {
        showError(filter, e, sayErrorNodes);
        return;
      }
    }
    clearErrors(filter);
    // The order chosen in the table's headers stays.
    const params = { ...v, sort: table.params().sort };
    table.restart(params);
  });
  filter.addEventListener('reset', () => {
    clearErrors(filter);
    setTimeout(() => {
      filter.elements.contact_no.setPicked('');
      table.restart({ status: 'all', sort: table.params().sort });
    });
  });
  const cancel = h('button', { type: 'button', id: 'cancel-entries', onclick: async () => {
    const nos = [...table.querySelectorAll('input.pick:checked')].map((x) => Number(x.dataset.entry));
    if (!nos.length) {
      say(t('selectFirst'));
      return;
    }
    // The call toggles: canceled entries in the selection are restored.
    const picked = table.items().filter((e) => nos.includes(e.entry_no));
    const help = picked.some((e) => e.canceled)
      ? `${t('confirmCancelEntriesHelp')} ${t('cancelEntriesToggleHelp')}` : t('confirmCancelEntriesHelp');
    if (!(await ask(tn('confirmCancelEntriesQ', nos.length), help,
      { yes: t('cancelEntries'), no: t('keepAsIs') }))) return;
    try {
      await post('/api/interactions/cancel', { entry_nos: nos });
      say(tn('entriesCanceled', nos.length));
      table.reload();
    } catch (e) {
      sayError(e);
    }
  } }, t('cancelEntries'));
  // Delete canceled entries matching the filters given; the count is asked for first (a
  // dry run) and confirmed.
  const filters = [['entry_no_from', t('entryNoFrom'), 'number'], ['entry_no_to', t('entryNoTo'), 'number'],
    ['contact_no', t('contact'), 'contact'], ['from', t('fromDate'), 'date'], ['to', t('toDate'), 'date'],
    ['campaign_no', t('campaign'), 'campaign'], ['interaction_group_code', t('group'), 'text'],
    ['interaction_template_code', t('template'), 'template'],
    ['salesperson_code', t('salesperson'), 'salesperson']];
  const inputs = {};
  const purge = h('form', { class: 'grid', id: 'delete-canceled', 'aria-label': t('deleteCanceled') },
    filters.map(([k, label, type]) => {
      const id = `delete-canceled-${k.replace(/_/g, '-')}`;
      const f = ['number', 'date', 'text'].includes(type)
        ? h('div', { class: 'field' }, h('label', { for: id }, label),
          h('input', { type, id, name: k, min: type === 'number' ? 1 : null }))
        : picker({ name: k, label, kind: type, id });
      inputs[k] = f.querySelector('input');
      return f;
    }),
    h('div', { class: 'buttons' }, h('button', { type: 'submit' }, t('deleteCanceled'))));
  purge.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {};
    for (const [k] of filters) {
      const v = inputs[k].value.trim();
      if (v) body[k] = k.startsWith('entry_no') ? Number(v) : v;
    }
    clearErrors(purge);
    try {
      const dry = await post('/api/interactions/delete-canceled', { ...body, dry_run: true });
      if (!dry.would_delete) {
        say(t('noCanceledMatch'));
        return;
      }
      if (!(await ask(tn('confirmDeleteCanceled', dry.would_delete), t('confirmDeleteCanceledHelp'),
        { yes: t('delete'), no: t('cancel') }))) return;
      const r = await post('/api/interactions/delete-canceled', body);
      say(tn('deletedCount', r.deleted));
      table.reload();
    } catch (e) {
      showError(purge, e, sayErrorNodes);
    }
  });
  return h('section', {}, h('h1', {}, t('interactions')), filter, h('div', { class: 'toolbar' }, cancel),
    table, h('details', { class: 'purge' }, h('summary', {}, t('deleteCanceled')), purge));
}

export async function postponedPage() {
  const params = Object.fromEntries(new URLSearchParams(location.hash.split('?')[1] || ''));
  let table = null;
  table = pagedTable({ url: '/api/interactions', params: { ...params, status: 'postponed' }, cols: [
    { label: t('entry'), cell: (e) => String(e.entry_no) },
    { label: t('date'), cell: (e) => fmtDate(e.date) },
    { label: t('contact'), cell: (e) => nameCell('contact', e.contact_no) },
    { label: t('template'), cell: (e) => nameCell('template', e.interaction_template_code) },
    { label: t('subject'), cell: (e) => e.subject },
    { label: t('salesperson'), cell: (e) => nameCell('salesperson', e.salesperson_code) },
    { label: '', cell: (e) => h('div', { class: 'row-actions' },
      h('button', { type: 'button', class: 'resume', 'data-entry': e.entry_no,
        onclick: () => interactionDialog({ resume: e, onDone: () => table.reload() }) }, t('resume')),
      h('button', { type: 'button', class: 'delete', 'data-entry': e.entry_no, onclick: async () => {
        if (!(await ask(t('deletePostponedQ', e.entry_no), t('deletePostponedHelp'),
          { yes: t('delete'), no: t('cancel') }))) return;
        try {
          await del(`/api/interactions/${e.entry_no}`);
          say(t('postponedDeleted', e.entry_no));
          table.reload();
        } catch (err) {
          sayError(err);
        }
      } }, t('delete'))) },
  ] });
  // Opened from a card, the list is of that contact or salesperson only: say so, and offer
  // the whole list.
  const by = params.contact_no ? ['postponedOfContact', 'contact', params.contact_no]
    : params.salesperson_code ? ['postponedOfSalesperson', 'salesperson', params.salesperson_code] : null;
  const filtered = by ? h('p', { class: 'notice', id: 'postponed-filter' }, t(by[0]), ' ',
    nameCell(by[1], by[2]), '. ', link('#/postponed', t('showAllPostponed'))) : null;
  return h('section', {}, h('h1', {}, t('postponed')), filtered, table);
}

export async function templatesPage(me) {
  const admin = me.role === 'admin';
  const groups = admin ? (await get('/api/groups?limit=500')).items : [];
  let table = null;
  table = pagedTable({ url: '/api/templates', cols: [
    { label: t('code'), cell: (x) => link(`#/templates/${enc(x.code)}`, x.code) },
    { label: t('group'), cell: (x) => x.interaction_group_code },
    { label: t('description'), cell: (x) => link(`#/templates/${enc(x.code)}`, x.description) },
    { label: t('unitCost'), cell: (x) => fmtNum(x.unit_cost) },
    { label: t('unitDuration'), cell: (x) => fmtNum(x.unit_duration) },
    { label: t('correspondence'), cell: (x) => tv('corr', x.correspondence_type) || '—' },
    { label: '', cell: (x) => (admin ? h('button', { type: 'button', class: 'delete-template',
      'data-code': x.code, onclick: async () => {
      if (!(await ask(t('deleteTemplateQ', `${x.description} (${x.code})`), t('deleteTemplateHelp'),
        { yes: t('delete'), no: t('cancel') }))) return;
      try {
        await del(`/api/templates/${enc(x.code)}`);
        forget('template');
        say(t('templateDeleted', x.code));
        table.reload();
      } catch (e) {
        sayError(e);
      }
    } }, t('delete')) : '') },
  ] });
  const out = h('section', {}, h('h1', {}, t('templates')), table);
  if (admin) {
    const form = h('form', { class: 'grid', 'aria-label': t('newTemplate') },
      field({ name: 'code', label: t('code') }),
      field({ name: 'interaction_group_code', label: t('group'), type: 'select',
              options: groups.map((g) => [g.code, `${g.code} ${g.description}`]) }),
      field({ name: 'description', label: t('description') }),
      field({ name: 'unit_cost', label: t('unitCost'), type: 'money' }),
      field({ name: 'unit_duration', label: t('unitDuration'), type: 'money' }),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, t('save'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        const r = await post('/api/templates', formValues(form));
        clearErrors(form);
        say(t('templateCreated', r.code));
        form.reset();
        table.reload();
        forget('template');
        loadLookups(true);
      } catch (e) {
        showError(form, e, sayErrorNodes);
      }
    });
    out.append(h('h2', {}, t('newTemplate')), form);
  }
  return out;
}

export async function setupPage(me) {
  const s = await get('/api/setup');
  const ro = me.role !== 'admin';
  const keys = Object.keys(s);
  const kinds = { default_salesperson_code: 'salesperson', inbound_email_template_code: 'template',
    outbound_email_template_code: 'template' };
  const form = h('form', { class: 'grid' }, keys.map((k) => {
    if (kinds[k] && !ro) return picker({ name: k, label: tv('setup', k), kind: kinds[k], value: s[k] });
    if (k === 'attachment_storage') {
      return field({ name: k, label: tv('setup', k), type: 'select', value: s[k], readonly: ro,
                     // Bodies are kept in the database only; a value stored before shows.
                     options: [...new Set(['embedded', s[k]])].map((v) => [v, tv('storage', v)]) });
    }
    if (k === 'default_correspondence_type') {
      return field({ name: k, label: tv('setup', k), type: 'select', value: s[k], readonly: ro,
                     options: [['', '—'], ...['hard_copy', 'email', 'fax'].map((v) => [v, tv('corr', v)])] });
    }
    return field({ name: k, label: tv('setup', k), type: typeof s[k] === 'boolean' ? 'checkbox' : 'text',
                   value: s[k], readonly: ro });
  }));
  if (!ro) {
    form.append(h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, t('save'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const v = formValues(form);
      const changed = {};
      for (const k of keys) if (v[k] !== s[k]) changed[k] = v[k];
      if (!Object.keys(changed).length) {
        say(t('setupUnchanged'));
        return;
      }
      try {
        Object.assign(s, await patch('/api/setup', changed));
        clearErrors(form);
        say(t('setupSaved'));
      } catch (e) {
        showError(form, e, sayErrorNodes);
      }
    });
  }
  return h('section', {}, h('h1', {}, t('setup')), ro ? h('p', {}, t('readOnly')) : null, form);
}

export { qs };

export async function campaignsPage() {
  return h('section', {}, h('h1', {}, t('campaigns')), pagedTable({ url: '/api/campaigns', cols: [
    { label: t('numberCol'), cell: (c) => link(`#/campaigns/${enc(c.no)}`, c.no) },
    { label: t('description'), cell: (c) => link(`#/campaigns/${enc(c.no)}`, c.description) },
    { label: t('startingDate'), cell: (c) => fmtDate(c.starting_date) },
    { label: t('endingDate'), cell: (c) => fmtDate(c.ending_date) },
    { label: t('salesperson'), cell: (c) => nameCell('salesperson', c.salesperson_code) },
  ] }));
}

export async function campaignCard(no) {
  const c = await get(`/api/campaigns/${enc(no)}`);
  const stats = statsBlock(c, `/api/campaigns/${enc(c.no)}`,
    [['no_of_entries', t('campaignEntries'), int], ['no_of_interactions', t('noOfInteractions'), int],
      ['cost', t('cost'), num], ['duration', t('duration'), num], ['no_of_responses', t('responses'), int]]);
  // Campaign entries: cancel toggles an entry with its interactions (the button says what it
  // will do); a canceled entry can be deleted together with its interactions.
  let entries = null;
  const changed = () => {
    entries.reload();
    stats.refresh();
  };
  entries = pagedTable({ url: `/api/campaigns/${enc(c.no)}/entries`, caption: t('campaignEntries'),
    cols: [
      { label: t('entry'), cell: (e) => String(e.entry_no) },
      { label: t('description'), cell: (e) => e.description },
      { label: t('date'), cell: (e) => fmtDate(e.date) },
      { label: t('segment'), cell: (e) => e.segment_no || '—' },
      { label: t('canceled'), cell: (e) => (e.canceled ? t('canceled') : '') },
      { label: '', cell: (e) => h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'cancel-campaign-entry', 'data-entry': e.entry_no,
          onclick: async () => {
            if (!e.canceled && !(await ask(t('cancelCampaignEntryQ', e.entry_no), t('cancelCampaignEntryHelp'),
              { yes: t('cancel'), no: t('keepAsIs') }))) return;
            try {
              await post(`/api/campaign-entries/${e.entry_no}/cancel`);
              say(t(e.canceled ? 'campaignEntryRestored' : 'campaignEntryCanceled', e.entry_no));
              changed();
            } catch (err) {
              sayError(err);
            }
          } }, e.canceled ? t('undoCancel') : t('cancel')),
        e.canceled ? h('button', { type: 'button', class: 'delete-campaign-entry',
          'data-entry': e.entry_no, onclick: async () => {
            if (!(await ask(t('deleteEntryQ', e.entry_no), t('deleteEntryHelp'),
              { yes: t('delete'), no: t('cancel') }))) return;
            try {
              const r = await del(`/api/campaign-entries/${e.entry_no}`);
              say(t('entryDeleted', e.entry_no, r.interactions_deleted));
              changed();
            } catch (err) {
              sayError(err);
            }
          } }, t('delete')) : null) },
    ] });
  const remove = h('button', { type: 'button', id: 'delete-campaign', onclick: async () => {
    if (!(await ask(t('deleteCampaignQ', `${c.description} (${c.no})`), t('deleteCampaignHelp'),
      { yes: t('deleteCampaign'), no: t('cancel') }))) return;
    try {
      await del(`/api/campaigns/${enc(c.no)}`);
      say(t('campaignDeleted', c.no));
      location.hash = '#/campaigns';
    } catch (e) {
      sayError(e);
    }
  } }, t('deleteCampaign'));
  return h('section', { class: 'card' }, h('h1', {}, c.description, ' ', h('span', { class: 'code' }, c.no)),
    h('div', { class: 'toolbar' }, remove),
    dl(c, [['starting_date', t('startingDate'), date], ['ending_date', t('endingDate'), date],
      ['salesperson_code', t('salesperson'), (v) => nameCell('salesperson', v)],
      ['status_code', t('status'), (v) => tv('status', v)]]),
    stats, entries);
}
