// Pages for contacts, salespersons, the interaction log, postponed interactions,
// templates and marketing setup.
import { get, post, patch, del, qs } from './api.js';
import { t } from './i18n.js';
import { h, ask, say, sayError, field, formValues, pagedTable, link, enc } from './ui.js';
import { interactionDialog, commentsDialog, loadLookups } from './interaction.js';

function dl(rec, keys) {
  return h('dl', { class: 'facts' }, keys.flatMap(([k, label]) =>
    [h('dt', {}, label), h('dd', {}, rec[k] === true ? '✓'
      : rec[k] === false || rec[k] === '' || rec[k] === undefined || rec[k] === null ? '—'
        : String(rec[k]))]));
}

/*
 * The interaction history of a card. onChange (optional) runs whenever the history may
 * have changed (reload, evaluation), so that the card's statistics follow it.
 */
function historyTable(params, { canEvaluate, onChange } = {}) {
  let table = null;
  const cols = [
    { label: t('entry'), cell: (e) => String(e.entry_no) },
    { label: t('date'), cell: (e) => e.date },
    { label: t('contact'), cell: (e) => link(`#/contacts/${enc(e.contact_no)}`, e.contact_no) },
    { label: t('template'), cell: (e) => e.interaction_template_code },
    { label: t('description'), cell: (e) => e.description },
    { label: t('salesperson'), cell: (e) => e.salesperson_code },
    { label: t('cost'), cell: (e) => e.cost },
    { label: t('evaluation'), cell: (e) => e.evaluation || '—' },
    { label: t('canceled'), cell: (e) => (e.canceled ? t('canceled') : '') },
    { label: t('comments'), cell: (e) => h('button', { type: 'button', class: 'comments',
      'data-entry': e.entry_no, 'aria-label': `${t('comments')} ${e.entry_no}`,
      onclick: () => commentsDialog(e.entry_no) }, t('comments')) },
  ];
  if (canEvaluate) {
    cols.unshift({ label: '✓', cell: (e) => h('input', { type: 'checkbox', class: 'pick',
      'data-entry': e.entry_no, 'aria-label': `${t('entry')} ${e.entry_no}` }) });
    cols.push({ label: t('evaluate'), cell: (e) => {
      const sel = h('select', { 'aria-label': `${t('evaluate')} ${e.entry_no}` },
        ['', 'very_positive', 'positive', 'neutral', 'negative', 'very_negative']
          .map((v) => h('option', { value: v }, v || '—')));
      sel.value = e.evaluation;
      sel.addEventListener('change', async () => {
        try {
          await post(`/api/interactions/${e.entry_no}/evaluate`, { evaluation: sel.value });
          say(t('saved'));
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
    { label: 'No.', cell: (c) => link(`#/contacts/${enc(c.no)}`, c.no) },
    { label: t('name'), cell: (c) => c.name },
    { label: t('type'), cell: (c) => (c.type === 'company' ? t('company') : t('person')) },
    { label: t('city'), cell: (c) => c.city },
    { label: t('salesperson'), cell: (c) => c.salesperson_code },
  ] });
  const form = h('form', { class: 'toolbar', role: 'search' }, search,
    h('button', { type: 'submit' }, t('search')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    table.restart(search.value ? { q: search.value } : {});
  });
  return h('section', {}, h('h1', {}, t('contacts')), form, table);
}

export async function contactCard(no, me) {
  const c = await get(`/api/contacts/${enc(no)}`);
  const stats = statsBlock(c, `/api/contacts/${enc(c.no)}`,
    [['no_of_interactions', t('noOfInteractions')], ['cost', t('cost')],
      ['duration', t('duration')], ['date_of_last_interaction', t('lastInteraction')],
      ['last_date_attempted', t('lastAttempted')], ['no_of_postponed_interactions', t('postponed')]]);
  const hist = historyTable({ contact_no: c.no }, { canEvaluate: true, onChange: () => stats.refresh() });
  // A company is deleted with its persons only when asked; the server refuses otherwise.
  const company = c.type === 'company';
  const withPersons = company ? h('input', { type: 'checkbox', id: 'delete-with-persons' }) : null;
  const remove = async () => {
    const help = company ? t(withPersons.checked ? 'deleteCompanyPersonsHelp' : 'deleteCompanyHelp')
      : c.company_no ? t('deletePersonHelp', c.company_no) : t('deleteLonePersonHelp');
    if (!(await ask(t('deleteContactQ', c.no), help))) return;
    try {
      await del(`/api/contacts/${enc(c.no)}${withPersons && withPersons.checked ? '?with_persons=true' : ''}`);
      say(t('deleted'));
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
    h('h1', {}, `${c.no} ${c.name}`),
    h('div', { class: 'toolbar' },
      h('button', { type: 'button', class: 'primary', id: 'create-interaction',
        onclick: () => interactionDialog({ contact_no: c.no, onDone: () => hist.reload() }) },
      t('createInteraction')),
      link(`#/postponed?contact_no=${enc(c.no)}`, t('postponed')),
      h('button', { type: 'button', id: 'delete-contact', onclick: remove }, t('deleteContact')),
      company ? h('label', { for: 'delete-with-persons' }, withPersons, ' ', t('withPersons')) : null,
      admin ? h('button', { type: 'button', id: 'erase-contact', onclick: erase }, t('eraseContact'))
        : null),
    dl(c, [['type', t('type')], ['company_no', t('company')], ['email', t('email')],
      ['phone_no', t('phone')], ['city', t('city')], ['salesperson_code', t('salesperson')],
      ['language_code', t('language_code')], ['correspondence_type', t('correspondence')]]),
    stats, hist);
}

export async function salespersonsPage() {
  return h('section', {}, h('h1', {}, t('salespersons')), pagedTable({ url: '/api/salespersons',
    cols: [{ label: t('code'), cell: (s) => link(`#/salespersons/${enc(s.code)}`, s.code) },
      { label: t('name'), cell: (s) => s.name }, { label: t('email'), cell: (s) => s.email }] }));
}

export async function salespersonCard(code) {
  const s = await get(`/api/salespersons/${enc(code)}`);
  const stats = statsBlock(s, `/api/salespersons/${enc(s.code)}`,
    [['no_of_interactions', t('noOfInteractions')], ['cost', t('cost')], ['duration', t('duration')]]);
  const hist = historyTable({ salesperson_code: s.code }, { canEvaluate: true, onChange: () => stats.refresh() });
  return h('section', { class: 'card' }, h('h1', {}, `${s.code} ${s.name}`),
    h('div', { class: 'toolbar' }, h('button', { type: 'button', class: 'primary', id: 'create-interaction',
      onclick: () => interactionDialog({ salesperson_code: s.code, onDone: () => hist.reload() }) },
    t('createInteraction')),
    link(`#/postponed?salesperson_code=${enc(s.code)}`, t('postponed'))),
    dl(s, [['email', t('email')], ['phone_no', t('phone')], ['job_title', t('type')]]),
    stats, hist);
}

export async function interactionLogPage() {
  const table = historyTable({ status: 'all' }, { canEvaluate: true });
  const cancel = h('button', { type: 'button', id: 'cancel-entries', onclick: async () => {
    const nos = [...table.querySelectorAll('input.pick:checked')].map((x) => Number(x.dataset.entry));
    if (!nos.length) return;
    try {
      await post('/api/interactions/cancel', { entry_nos: nos });
      say(t('saved'));
      table.reload();
    } catch (e) {
      sayError(e);
    }
  } }, t('cancelEntries'));
  // Delete canceled entries matching the filters given; the count is asked for first (a
  // dry run) and confirmed.
  const filters = [['entry_no_from', t('entryNoFrom'), 'number'], ['entry_no_to', t('entryNoTo'), 'number'],
    ['contact_no', t('contact'), 'text'], ['from', t('fromDate'), 'date'], ['to', t('toDate'), 'date'],
    ['campaign_no', t('campaign'), 'text'], ['interaction_group_code', t('group'), 'text'],
    ['interaction_template_code', t('template'), 'text'], ['salesperson_code', t('salesperson'), 'text']];
  const inputs = {};
  const purge = h('form', { class: 'toolbar', id: 'delete-canceled', 'aria-label': t('deleteCanceled') },
    filters.flatMap(([k, label, type]) => {
      const id = `delete-canceled-${k.replace(/_/g, '-')}`;
      inputs[k] = h('input', { type, id, size: type === 'text' ? 10 : null, min: type === 'number' ? 1 : null });
      return [h('label', { for: id }, label), inputs[k]];
    }),
    h('button', { type: 'submit' }, t('deleteCanceled')));
  purge.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {};
    for (const [k] of filters) {
      const v = inputs[k].value.trim();
      if (v) body[k] = k.startsWith('entry_no') ? Number(v) : v;
    }
    try {
      const dry = await post('/api/interactions/delete-canceled', { ...body, dry_run: true });
      if (!dry.would_delete) {
        say(t('noCanceledMatch'));
        return;
      }
      if (!(await ask(t('confirmDeleteCanceled', dry.would_delete), t('confirmDeleteCanceledHelp')))) return;
      const r = await post('/api/interactions/delete-canceled', body);
      say(t('deletedCount').replace('{n}', String(r.deleted)));
      table.reload();
    } catch (e) {
      sayError(e);
    }
  });
  return h('section', {}, h('h1', {}, t('interactions')), h('div', { class: 'toolbar' }, cancel),
    purge, table);
}

export async function postponedPage() {
  const params = Object.fromEntries(new URLSearchParams(location.hash.split('?')[1] || ''));
  let table = null;
  table = pagedTable({ url: '/api/interactions', params: { ...params, status: 'postponed' }, cols: [
    { label: t('entry'), cell: (e) => String(e.entry_no) },
    { label: t('date'), cell: (e) => e.date },
    { label: t('contact'), cell: (e) => e.contact_no },
    { label: t('template'), cell: (e) => e.interaction_template_code || '—' },
    { label: t('subject'), cell: (e) => e.subject },
    { label: t('salesperson'), cell: (e) => e.salesperson_code },
    { label: '', cell: (e) => h('div', { class: 'row-actions' },
      h('button', { type: 'button', class: 'resume', 'data-entry': e.entry_no,
        onclick: () => interactionDialog({ resume: e, onDone: () => table.reload() }) }, t('resume')),
      h('button', { type: 'button', class: 'delete', 'data-entry': e.entry_no, onclick: async () => {
        try {
          await del(`/api/interactions/${e.entry_no}`);
          say(t('deleted'));
          table.reload();
        } catch (err) {
          sayError(err);
        }
      } }, t('delete'))) },
  ] });
  return h('section', {}, h('h1', {}, t('postponed')), table);
}

export async function templatesPage(me) {
  const admin = me.role === 'admin';
  const groups = admin ? (await get('/api/groups?limit=500')).items : [];
  let table = null;
  table = pagedTable({ url: '/api/templates', cols: [
    { label: t('code'), cell: (x) => x.code },
    { label: t('group'), cell: (x) => x.interaction_group_code },
    { label: t('description'), cell: (x) => x.description },
    { label: t('unitCost'), cell: (x) => x.unit_cost },
    { label: t('unitDuration'), cell: (x) => x.unit_duration },
    { label: t('correspondence'), cell: (x) => x.correspondence_type },
    { label: '', cell: (x) => (admin ? h('button', { type: 'button', onclick: async () => {
      try {
        await del(`/api/templates/${enc(x.code)}`);
        say(t('deleted'));
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
        await post('/api/templates', formValues(form));
        say(t('saved'));
        form.reset();
        table.reload();
        loadLookups(true);
      } catch (e) {
        sayError(e);
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
  const form = h('form', { class: 'grid' }, keys.map((k) => field({ name: k, label: k,
    type: typeof s[k] === 'boolean' ? 'checkbox' : 'text', value: s[k], readonly: ro })));
  if (!ro) {
    form.append(h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, t('save'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const v = formValues(form);
      const changed = {};
      for (const k of keys) if (v[k] !== s[k]) changed[k] = v[k];
      try {
        Object.assign(s, await patch('/api/setup', changed));
        say(t('saved'));
      } catch (e) {
        sayError(e);
      }
    });
  }
  return h('section', {}, h('h1', {}, t('setup')), ro ? h('p', {}, t('readOnly')) : null, form);
}

export { qs };

export async function campaignsPage() {
  return h('section', {}, h('h1', {}, t('campaigns')), pagedTable({ url: '/api/campaigns', cols: [
    { label: 'No.', cell: (c) => link(`#/campaigns/${enc(c.no)}`, c.no) },
    { label: t('description'), cell: (c) => c.description },
    { label: t('startingDate'), cell: (c) => c.starting_date },
    { label: t('endingDate'), cell: (c) => c.ending_date },
    { label: t('salesperson'), cell: (c) => c.salesperson_code },
  ] }));
}

export async function campaignCard(no) {
  const c = await get(`/api/campaigns/${enc(no)}`);
  const stats = statsBlock(c, `/api/campaigns/${enc(c.no)}`,
    [['no_of_entries', t('campaignEntries')], ['no_of_interactions', t('noOfInteractions')],
      ['cost', t('cost')], ['duration', t('duration')], ['no_of_responses', t('responses')]]);
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
      { label: t('date'), cell: (e) => e.date },
      { label: t('segment'), cell: (e) => e.segment_no },
      { label: t('canceled'), cell: (e) => (e.canceled ? t('canceled') : '') },
      { label: '', cell: (e) => h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'cancel-campaign-entry', 'data-entry': e.entry_no,
          onclick: async () => {
            try {
              await post(`/api/campaign-entries/${e.entry_no}/cancel`);
              say(t('saved'));
              changed();
            } catch (err) {
              sayError(err);
            }
          } }, e.canceled ? t('undoCancel') : t('cancel')),
        e.canceled ? h('button', { type: 'button', class: 'delete-campaign-entry',
          'data-entry': e.entry_no, onclick: async () => {
            if (!(await ask(t('deleteEntryQ', e.entry_no), t('deleteEntryHelp')))) return;
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
    if (!(await ask(t('deleteCampaignQ', c.no), t('deleteCampaignHelp')))) return;
    try {
      await del(`/api/campaigns/${enc(c.no)}`);
      say(t('deleted'));
      location.hash = '#/campaigns';
    } catch (e) {
      sayError(e);
    }
  } }, t('deleteCampaign'));
  return h('section', { class: 'card' }, h('h1', {}, `${c.no} ${c.description}`),
    h('div', { class: 'toolbar' }, remove),
    dl(c, [['starting_date', t('startingDate')], ['ending_date', t('endingDate')],
      ['salesperson_code', t('salesperson')], ['status_code', t('status')]]),
    stats, entries);
}
