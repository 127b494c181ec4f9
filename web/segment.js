// Segments: the list, the segment page (header with its Interaction section, lines with a
// per-line template, criteria steps with filters, undo/redo), the Log dialog with a
// progress indicator, and logged segments (cancel, reuse, delivery counts and retry).
import { get, post, patch, del, ApiError } from './api.js';
import { t, tn, tv, fmtNum, fmtDate } from './i18n.js';
import { h, say, sayError, sayErrorNodes, field, formValues, pagedTable, link, enc, modal, ask } from './ui.js';
import { loadLookups, corr as corrOptions, evals } from './interaction.js';
import { nameCell } from './names.js';
import { picker } from './picker.js';
import { showError, clearErrors } from './errors.js';

// The outcome of the last Log, shown on the logged segment's page it leads to.
let lastLog = null;

const CONTACT_FIELDS = ['name', 'city', 'country_code', 'post_code', 'county', 'type',
  'salesperson_code', 'territory_code', 'language_code', 'company_no', 'job_title',
  'correspondence_type', 'email', 'no'];
const OPS = ['=', '!=', '~', '<', '<=', '>', '>='];

export async function segmentsPage() {
  const table = pagedTable({ url: '/api/segments', cols: [
    { label: t('numberCol'), cell: (s) => link(`#/segments/${enc(s.no)}`, s.no) },
    { label: t('description'), cell: (s) => link(`#/segments/${enc(s.no)}`, s.description || s.no) },
    { label: t('template'), cell: (s) => nameCell('template', s.interaction_template_code) },
    { label: t('noOfLines'), cell: (s) => String(s.no_of_lines) },
  ] });
  const form = h('form', { class: 'toolbar', 'aria-label': t('newSegment') },
    field({ name: 'description', label: t('description') }),
    h('button', { type: 'submit', class: 'primary', id: 'new-segment' }, t('newSegment')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const s = await post('/api/segments', { description: form.elements.description.value });
      location.hash = `#/segments/${enc(s.no)}`;
    } catch (e) {
      showError(form, e, sayErrorNodes);
    }
  });
  return h('section', {}, h('h1', {}, t('segments')), form, table);
}

function filterRow() {
  const fieldSel = h('select', { class: 'f-field', 'aria-label': t('field') },
    CONTACT_FIELDS.map((f) => h('option', { value: f }, tv('fld', f))));
  const opSel = h('select', { class: 'f-op', 'aria-label': t('operator') },
    OPS.map((o) => h('option', { value: o }, `${o === '!=' ? '≠' : o} ${tv('op', o)}`)));
  const value = h('input', { class: 'f-value', 'aria-label': t('value') });
  const row = h('div', { class: 'filter-row' }, fieldSel, opSel, value,
    h('button', { type: 'button', onclick: () => row.remove() }, t('removeFilter')));
  return row;
}

export async function segmentPage(no) {
  const lk = await loadLookups();
  let seg = await get(`/api/segments/${enc(no)}`);
  const tplOptions = [['', '—'], ...lk.templates.map((x) => [x.code, `${x.description} (${x.code})`])];
  const spOptions = [['', '—'], ...lk.salespersons.map((x) => [x.code, `${x.name} (${x.code})`])];
  const corr = corrOptions();
  const summary = h('p', { id: 'segment-summary', 'aria-live': 'polite' });
  const showSummary = () => {
    summary.textContent = `${t('noOfLines')}: ${seg.no_of_lines} · ${t('steps')}: ${seg.no_of_criteria_actions}`;
  };
  showSummary();

  // Header with the Interaction section.
  const header = h('form', { class: 'grid', id: 'segment-header' },
    field({ name: 'description', label: t('description'), value: seg.description }),
    picker({ name: 'salesperson_code', label: t('salesperson'), kind: 'salesperson',
             value: seg.salesperson_code }),
    field({ name: 'date', label: t('date'), type: 'date', value: seg.date }),
    picker({ name: 'campaign_no', label: t('campaign'), kind: 'campaign', value: seg.campaign_no }),
    h('fieldset', { class: 'grid span' }, h('legend', {}, t('interactionSection')),
      picker({ name: 'interaction_template_code', label: t('template'), kind: 'template',
               value: seg.interaction_template_code }),
      field({ name: 'subject', label: t('subject'), value: seg.subject }),
      field({ name: 'language_code', label: t('language_code'), value: seg.language_code }),
      field({ name: 'correspondence_type', label: t('correspondence'), type: 'select',
              options: corr, value: seg.correspondence_type }),
      field({ name: 'unit_cost', label: t('unitCost'), type: 'money', value: seg.unit_cost }),
      field({ name: 'unit_duration', label: t('unitDuration'), type: 'money', value: seg.unit_duration })),
    field({ name: 'apply_to_all_lines', label: t('applyToAll'), type: 'checkbox' }),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', id: 'save-header' }, t('save'))));
  header.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = formValues(header);
    const body = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'apply_to_all_lines' && x !== seg[k]) body[k] = x;
    if (v.apply_to_all_lines) body.apply_to_all_lines = true;
    try {
      seg = await patch(`/api/segments/${enc(seg.no)}`, body);
      for (const k of ['subject', 'language_code', 'correspondence_type', 'unit_cost', 'unit_duration']) {
        header.elements[k].value = seg[k];
      }
      clearErrors(header);
      say(t('headerSaved', seg.no));
      refresh();
    } catch (e) {
      showError(header, e, sayErrorNodes);
    }
  });

  // Lines with per-line personalisation.
  const lines = pagedTable({ url: `/api/segments/${enc(seg.no)}/lines`, limit: 50, cols: [
    { label: t('lineNo'), cell: (l) => String(l.line_no) },
    { label: t('contact'), cell: (l) => nameCell('contact', l.contact_no) },
    { label: t('salesperson'), cell: (l) => nameCell('salesperson', l.salesperson_code) },
    { label: t('template'), cell: (l) => {
      const sel = h('select', { class: 'line-template', 'data-line': l.line_no,
                                'aria-label': `${t('template')} ${l.contact_no}` },
      tplOptions.map(([v, x]) => h('option', { value: v }, x)));
      sel.value = l.interaction_template_code;
      sel.addEventListener('change', () => updateLine(l, { interaction_template_code: sel.value }));
      return sel;
    } },
    { label: t('subject'), cell: (l) => {
      const inp = h('input', { value: l.subject, class: 'line-subject',
                               'aria-label': `${t('subject')} ${l.contact_no}` });
      inp.addEventListener('change', () => updateLine(l, { subject: inp.value }));
      return inp;
    } },
    { label: t('description'), cell: (l) => {
      // Typed, the description stays when the line's template changes; blank follows it again.
      const inp = h('input', { value: l.description, class: 'line-description', 'data-line': l.line_no,
                               'aria-label': `${t('description')} ${l.contact_no}`,
                               title: l.description_typed ? t('descriptionTyped') : t('descriptionFollows') });
      inp.addEventListener('change', () => updateLine(l, { description: inp.value }));
      return inp;
    } },
    { label: t('cost'), cell: (l) => fmtNum(l.cost) },
    { label: t('personalised'), cell: (l) => (l.personalised ? t('personalised') : '') },
    { label: '', cell: (l) => h('button', { type: 'button', class: 'remove-line', 'data-line': l.line_no,
      onclick: async () => {
      try {
        await del(`/api/segments/${enc(seg.no)}/lines/${l.line_no}`);
        say(t('lineRemoved', l.line_no));
        refresh();
      } catch (e) {
        sayError(e);
      }
    } }, t('removeLine')) },
  ] });
  async function updateLine(l, body) {
    try {
      await patch(`/api/segments/${enc(seg.no)}/lines/${l.line_no}`, body);
      say(t('lineSaved', l.line_no));
      lines.reload();
    } catch (e) {
      sayError(e);
    }
  }

  const steps = h('div', { id: 'steps' });
  async function refresh() {
    try {
      seg = await get(`/api/segments/${enc(seg.no)}`);
      showSummary();
      lines.reload();
      const st = await get(`/api/segments/${enc(seg.no)}/steps`);
      const items = st.items.map((s) => h('li', { class: s.undone ? 'undone' : '' }, describeStep(s)));
      steps.replaceChildren(items.length ? h('ol', {}, items) : h('p', {}, t('none')));
    } catch (e) {
      sayError(e);
    }
  }

  // Criteria: add / reduce / refine with filter rows and options.
  const filters = h('div', { class: 'filters' }, filterRow());
  const action = field({ name: 'action', label: t('action'), type: 'select', value: 'add',
    options: [['add', t('add')], ['reduce', t('reduce')], ['refine', t('refine')]] });
  // The options each action takes (the library refuses the others).
  const addOptions = h('div', { class: 'options', id: 'add-options' },
    field({ name: 'expand_company', label: t('expandCompany'), type: 'checkbox' }),
    field({ name: 'allow_related_companies', label: t('allowRelatedCompanies'), type: 'checkbox' }),
    field({ name: 'ignore_exclusion', label: t('ignoreExclusion'), type: 'checkbox' }));
  const removeOptions = h('div', { class: 'options', id: 'remove-options' },
    field({ name: 'entire_companies', label: t('entireCompanies'), type: 'checkbox' }));
  // Shown through style: the options' own display rule would win over the hidden attribute.
  const showOptions = (act) => {
    addOptions.style.display = act === 'add' ? '' : 'none';
    removeOptions.style.display = act === 'add' ? 'none' : '';
  };
  showOptions('add');
  action.querySelector('select').addEventListener('change', (ev) => showOptions(ev.target.value));
  const crit = h('form', { id: 'criteria', 'aria-label': t('criteria') }, action,
    h('p', { class: 'hint', id: 'op-help' }, t('opHelp')), filters,
    h('button', { type: 'button', onclick: () => filters.append(filterRow()) }, t('addFilter')),
    // These filter the contacts' interaction log entries, not the contacts: a group says so.
    h('fieldset', { class: 'grid', id: 'has-interaction' }, h('legend', {}, t('hasInteraction')),
      field({ name: 'interaction_template_code', label: t('template'), type: 'select', options: tplOptions }),
      field({ name: 'from', label: `${t('date')} ≥`, type: 'date' }),
      field({ name: 'to', label: `${t('date')} ≤`, type: 'date' }),
      field({ name: 'salesperson_code', label: t('salesperson'), type: 'select', options: spOptions }),
      field({ name: 'evaluation', label: t('evaluation'), type: 'select', options: evals() })),
    addOptions, removeOptions,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', id: 'run-criteria' }, t('run'))));
  crit.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = formValues(crit);
    const where = [...filters.querySelectorAll('.filter-row')]
      .map((r) => [r.querySelector('.f-field').value, r.querySelector('.f-op').value,
        r.querySelector('.f-value').value])
      .filter(([, , x]) => x !== '').map(([f, o, x]) => `${f}${o}${x}`);
    const body = { where };
    for (const k of ['interaction_template_code', 'from', 'to', 'salesperson_code', 'evaluation']) {
      if (v[k]) body[k] = v[k];
    }
    const options = v.action === 'add' ? ['expand_company', 'allow_related_companies', 'ignore_exclusion']
      : ['entire_companies'];
    for (const k of options) if (v[k]) body[k] = true;
    const path = { add: 'add-contacts', reduce: 'reduce', refine: 'refine' }[v.action];
    try {
      const r = await post(`/api/segments/${enc(seg.no)}/${path}`, body);
      clearErrors(crit);
      say(v.action === 'add' ? tn('linesAdded', r.lines_added) : tn('linesRemoved', r.lines_removed));
      refresh();
    } catch (e) {
      showError(crit, e, sayErrorNodes);
    }
  });

  const addOne = h('form', { class: 'toolbar', id: 'add-contact', 'aria-label': t('addContact') },
    picker({ name: 'contact_no', label: t('contact'), kind: 'contact', id: 'add-contact-no' }),
    h('button', { type: 'submit' }, t('addContact')));
  addOne.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await post(`/api/segments/${enc(seg.no)}/lines`, { contact_no: addOne.elements.contact_no.value });
      addOne.elements.contact_no.setPicked('');
      clearErrors(addOne);
      say(tn('linesAdded', 1));
      refresh();
    } catch (e) {
      showError(addOne, e, sayErrorNodes);
    }
  });

  // Save this segment's steps under a code; replay saved steps on this segment.
  const saveForm = h('form', { class: 'toolbar', id: 'save-criteria', 'aria-label': t('saveCriteria') },
    field({ name: 'code', label: t('criteriaCode') }),
    field({ name: 'description', label: t('description') }),
    h('button', { type: 'submit' }, t('saveCriteria')));
  saveForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = formValues(saveForm);
    try {
      await post(`/api/segments/${enc(seg.no)}/save-criteria`, { code: v.code, description: v.description });
      clearErrors(saveForm);
      say(t('criteriaSaved', v.code.toUpperCase()));
    } catch (e) {
      showError(saveForm, e, sayErrorNodes);
    }
  });
  const reuseForm = h('form', { class: 'toolbar', id: 'reuse-criteria', 'aria-label': t('reuseCriteria') },
    field({ name: 'code', label: t('criteriaCode') }),
    h('button', { type: 'submit' }, t('reuseCriteria')));
  reuseForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const code = formValues(reuseForm).code;
      seg = await post(`/api/segments/${enc(seg.no)}/reuse-criteria`, { code });
      clearErrors(reuseForm);
      say(t('criteriaReused', code.toUpperCase(), seg.no));
      refresh();
    } catch (e) {
      showError(reuseForm, e, sayErrorNodes);
    }
  });

  const undoRedo = (what) => async () => {
    try {
      seg = await post(`/api/segments/${enc(seg.no)}/${what}`);
      say(t(what === 'undo' ? 'undoneStep' : 'redoneStep'));
      refresh();
    } catch (e) {
      sayError(e);
    }
  };

  const toolbar = h('div', { class: 'toolbar' },
    h('button', { type: 'button', id: 'undo', onclick: undoRedo('undo') }, t('undo')),
    h('button', { type: 'button', id: 'redo', onclick: undoRedo('redo') }, t('redo')),
    h('button', { type: 'button', class: 'primary', id: 'log-segment', onclick: () => logDialog(seg) }, t('log')));

  refresh();
  return h('section', { class: 'segment' },
    h('h1', {}, `${t('segment')} ${seg.no}`), summary, toolbar, header,
    h('h2', {}, t('criteria')), crit, h('h2', {}, t('steps')), steps, saveForm, reuseForm,
    h('h2', {}, t('lines')), addOne, lines);
}

/* "Add contacts: country_code = GB, city ~ Oslo (undone)" from a recorded step. */
function describeStep(s) {
  let parts = [];
  try {
    const f = JSON.parse(s.filters || '{}');
    parts = (f.filters || []).map((x) => `${tv('fld', x.field)} ${tv('op', x.op)} ${x.value}`);
    const is = tv('op', '=');
    // The filters of the contacts' interaction log entries, said as such.
    const entry = [];
    if (f.interaction_template_code) entry.push(`${t('template')} ${is} ${f.interaction_template_code}`);
    if (f.from) entry.push(`${t('date')} ≥ ${fmtDate(f.from)}`);
    if (f.to) entry.push(`${t('date')} ≤ ${fmtDate(f.to)}`);
    if (f.campaign_no) entry.push(`${t('campaign')} ${is} ${f.campaign_no}`);
    if (f.segment_no) entry.push(`${t('segment')} ${is} ${f.segment_no}`);
    if (f.salesperson_code) entry.push(`${t('salesperson')} ${is} ${f.salesperson_code}`);
    if (f.evaluation) entry.push(`${t('evaluation')} ${is} ${tv('eval', f.evaluation)}`);
    if (entry.length) parts.push(`${t('hasInteractionStep')} ${entry.join(', ')}`);
    const o = JSON.parse(s.options || '{}');
    const names = { allow_existing: 'allowExisting', expand_company: 'expandCompany',
      allow_related_companies: 'allowRelatedCompanies', ignore_exclusion: 'ignoreExclusion',
      entire_companies: 'entireCompanies' };
    for (const [k, label] of Object.entries(names)) if (o[k]) parts.push(t(label));
  } catch (e) {
    parts = [s.filters];
  }
  const what = { add: t('add'), reduce: t('reduce'), refine: t('refine') }[s.action] || s.action;
  return `${what}: ${parts.join(', ') || t('allContacts')}${s.undone ? ` (${t('undone')})` : ''}`;
}

function logDialog(seg) {
  const deliver = field({ name: 'deliver', label: t('deliver'), type: 'checkbox' });
  // Say what deliver does with each correspondence type: only e-mail leaves by itself.
  deliver.querySelector('input').setAttribute('aria-describedby', 'log-deliver-help');
  const form = h('form', {},
    field({ name: 'follow_up', label: t('followUp'), type: 'checkbox' }),
    deliver, h('p', { id: 'log-deliver-help', class: 'hint' }, t('deliverHelp')));
  const bar = h('progress', { max: '100', hidden: true, 'aria-label': t('logging') });
  const msg = h('p', { class: 'dialog-error', role: 'alert' });
  const ok = h('button', { type: 'submit', class: 'primary', id: 'log-ok' }, t('ok'));
  const close = h('button', { type: 'button' }, t('close'));
  form.append(bar, msg, h('div', { class: 'buttons' }, ok, close));
  const m = modal(`${t('logSegment')} ${seg.no}`, form);
  close.addEventListener('click', () => m.close());
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = formValues(form);
    ok.disabled = true;
    bar.hidden = false;
    bar.removeAttribute('value');
    let polling = true;
    const poll = async () => {
      while (polling) {
        try {
          const p = await get(`/api/segments/${enc(seg.no)}/log-progress`);
          if (p.logging && p.total > 0) bar.value = Math.round((100 * p.done) / p.total);
        } catch {
          /* the segment is gone once it is logged */
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    poll();
    try {
      const r = await post(`/api/segments/${enc(seg.no)}/log`, { follow_up: v.follow_up, deliver: v.deliver });
      bar.value = 100;
      // The segment is gone: its page would offer edits that can only fail. Go to what
      // it became, the logged segment, which tells the outcome.
      lastLog = r;
      m.close();
      location.hash = `#/logged-segments/${r.logged_segment_entry_no}`;
    } catch (e) {
      showError(form, e, (nodes) => msg.replaceChildren(...nodes));
      bar.hidden = true;
      ok.disabled = false;
    } finally {
      polling = false;
    }
  });
}

// Delivery of a logged segment: sent / waiting / failed, each failure's reason, and a
// "Retry failed" button that puts the failed entries back into the outbox.
function deliveryCell(l, reload) {
  const box = h('div', { class: 'delivery', 'data-entry': l.entry_no });
  get(`/api/logged-segments/${l.entry_no}/delivery`).then((d) => {
    box.replaceChildren(h('span', { class: 'delivery-counts' }, t('deliveryCounts', d.sent, d.waiting, d.failed)));
    // Letters leave only by being printed: offer the PDF, which marks them delivered.
    if (d.letters) {
      box.append(' ', h('span', { class: 'letters-waiting' }, tn('lettersWaiting', d.letters)), ' ',
        h('button', { type: 'button', class: 'print-letters', 'data-entry': l.entry_no,
          onclick: () => printLetters(l, reload) }, t('printLetters')));
    }
    if (!d.failed) return;
    box.append(h('ul', { class: 'delivery-failures' }, ...d.failures.map((f) =>
      h('li', {}, `${f.entry_no} ${f.contact_via}: ${f.delivery_error}`))));
    box.append(h('button', { type: 'button', class: 'retry-failed', onclick: async () => {
      try {
        const r = await post(`/api/logged-segments/${l.entry_no}/retry-errors`, {});
        say(tn('retried', r.requeued));
        reload();
      } catch (e) {
        sayError(e);
      }
    } }, t('retryFailed')));
  }).catch(sayError);
  return box;
}

// The letters of logged segment l as one PDF (downloaded, to print); the server marks the
// hard-copy entries delivered as relm logged-segment print does.
async function printLetters(l, reload) {
  try {
    const resp = await fetch(`/api/logged-segments/${l.entry_no}/letters.pdf?mark=true`,
      { credentials: 'same-origin' });
    if (!resp.ok) {
      const e = ((await resp.json().catch(() => null)) || {}).error || {};
      throw new ApiError(resp.status, e.code || 'error', e.message || resp.statusText, e.field);
    }
    const url = URL.createObjectURL(await resp.blob());
    const a = h('a', { href: url, download: `letters-${l.entry_no}.pdf`, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    say(t('lettersPrinted', l.entry_no));
    reload();
  } catch (e) {
    sayError(e);
  }
}

// Cancel (or undo the cancel of) logged segment l after saying how many interaction log
// entries it touches; reports what was done. Resolves true when something changed.
async function toggleLogged(l) {
  const n = l.no_of_interactions;
  const q = l.canceled ? t('undoCancelLoggedQ', l.entry_no) : t('cancelLoggedQ', l.entry_no);
  const help = tn(l.canceled ? 'undoCancelLoggedHelp' : 'cancelLoggedHelp', n);
  if (!(await ask(q, help, { yes: l.canceled ? t('undoCancel') : t('cancel'), no: t('keepAsIs') }))) {
    return false;
  }
  try {
    const r = await post(`/api/logged-segments/${l.entry_no}/cancel`);
    say(t(r.canceled ? 'loggedCanceled' : 'loggedRestored', l.entry_no, r.no_of_interactions));
    return true;
  } catch (e) {
    sayError(e);
    return false;
  }
}

async function deleteLogged(l) {
  if (!(await ask(t('deleteLoggedQ', l.entry_no), t('deleteLoggedHelp', l.no_of_interactions),
    { yes: t('delete'), no: t('cancel') }))) return false;
  try {
    const r = await del(`/api/logged-segments/${l.entry_no}`);
    say(t('loggedDeleted', l.entry_no, r.entries_kept));
    return true;
  } catch (e) {
    sayError(e);
    return false;
  }
}

async function reuseLogged(l) {
  try {
    const s = await post(`/api/logged-segments/${l.entry_no}/reuse`, {});
    say(t('reused', s.no));
    location.hash = `#/segments/${enc(s.no)}`;
  } catch (e) {
    sayError(e);
  }
}

function loggedActions(l, after) {
  return h('div', { class: 'row-actions' },
    h('button', { type: 'button', class: 'cancel-logged', 'data-entry': l.entry_no,
      onclick: async () => { if (await toggleLogged(l)) after(false); } },
    l.canceled ? t('undoCancel') : t('cancel')),
    // Only a canceled logged segment can be deleted; its entries stay, detached.
    l.canceled ? h('button', { type: 'button', class: 'delete-logged', 'data-entry': l.entry_no,
      onclick: async () => { if (await deleteLogged(l)) after(true); } }, t('delete')) : null,
    h('button', { type: 'button', class: 'reuse-logged', 'data-entry': l.entry_no,
      onclick: () => reuseLogged(l) }, t('reuse')));
}

export async function loggedSegmentsPage() {
  let table = null;
  table = pagedTable({ url: '/api/logged-segments', cols: [
    { label: t('entry'), cell: (l) => link(`#/logged-segments/${l.entry_no}`, String(l.entry_no)) },
    { label: t('segment'), cell: (l) => l.segment_no },
    { label: t('description'), cell: (l) => link(`#/logged-segments/${l.entry_no}`, l.description || l.segment_no) },
    { label: t('createdAt'), cell: (l) => fmtDate(l.created_at) },
    { label: t('user_id'), cell: (l) => l.user_id },
    { label: t('noOfInteractions'), cell: (l) => String(l.no_of_interactions) },
    { label: t('canceled'), cell: (l) => (l.canceled ? t('canceled') : '') },
    { label: t('delivery'), cell: (l) => deliveryCell(l, () => table.reload()) },
    { label: '', cell: (l) => loggedActions(l, () => table.reload()) },
  ] });
  return h('section', {}, h('h1', {}, t('loggedSegments')), table);
}

/* One logged segment: what it is, the outcome of the Log that made it, and its entries. */
export async function loggedSegmentPage(entry) {
  const l = await get(`/api/logged-segments/${enc(entry)}`);
  const out = h('section', { class: 'card' });
  const log = lastLog && lastLog.logged_segment_entry_no === l.entry_no ? lastLog : null;
  lastLog = null;
  const result = log ? h('p', { id: 'log-result', class: 'notice', role: 'status' },
    t('logged', log.logged_segment_entry_no, log.entries), ' ', t('loggedGone'),
    log.follow_up_no ? h('span', {}, ' ', t('followUpCreated', log.follow_up_no), ' ',
      link(`#/segments/${enc(log.follow_up_no)}`, log.follow_up_no)) : '') : null;
  if (log) say(t('logged', log.logged_segment_entry_no, log.entries));
  const entries = pagedTable({ url: '/api/interactions',
    params: { logged_segment_entry_no: l.entry_no, status: 'all' }, caption: t('entries'), cols: [
      { label: t('entry'), cell: (e) => link(`#/interactions/${e.entry_no}`, String(e.entry_no)) },
      { label: t('date'), cell: (e) => fmtDate(e.date) },
      { label: t('contact'), cell: (e) => nameCell('contact', e.contact_no) },
      { label: t('template'), cell: (e) => nameCell('template', e.interaction_template_code) },
      { label: t('subject'), cell: (e) => e.subject || '—' },
      { label: t('salesperson'), cell: (e) => nameCell('salesperson', e.salesperson_code) },
      { label: t('cost'), cell: (e) => fmtNum(e.cost) },
      { label: t('canceled'), cell: (e) => (e.canceled ? t('canceled') : '') },
    ] });
  const facts = h('dl', { class: 'facts' },
    h('dt', {}, t('segment')), h('dd', {}, l.segment_no),
    h('dt', {}, t('createdAt')), h('dd', {}, fmtDate(l.created_at)),
    h('dt', {}, t('user_id')), h('dd', {}, l.user_id || '—'),
    h('dt', {}, t('noOfInteractions')), h('dd', {}, String(l.no_of_interactions)),
    h('dt', {}, t('status')), h('dd', { class: 'logged-status' }, l.canceled ? t('canceled') : t('loggedState')));
  const reload = (gone) => {
    if (gone) location.hash = '#/logged-segments';
    else window.dispatchEvent(new HashChangeEvent('hashchange'));
  };
  facts.append(h('dt', {}, t('delivery')), h('dd', {}, deliveryCell(l, () => reload(false))));
  out.append(...[h('h1', {}, t('loggedSegment', l.entry_no), ' ', h('span', { class: 'code' }, l.description)),
    result, h('div', { class: 'toolbar' }, loggedActions(l, reload),
      link('#/logged-segments', t('loggedSegments'))), facts, entries].filter(Boolean));
  return out;
}
