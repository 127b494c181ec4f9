// Mail in the UI: importing message files (.eml) as interactions, with the report of what
// was logged, what was logged before and what matched no contact; and the message kept with
// an entry (sender, recipients, subject, text, attachments) on the entry's page.
import { get, post } from './api.js';
import { t, tn, fmtDate, locale } from './i18n.js';
import { h, say, sayError, link } from './ui.js';
import { nameCell } from './names.js';

// The library's reasons for an unmatched message, in the user's language when known.
const REASONS = [
  [/^no contact or salesperson has the sender's e-mail (.*)$/, 'reasonNoMatch'],
  [/^several contacts \((.*)\) have the sender's e-mail (.*)$/, 'reasonSeveralContacts'],
  [/^several salespersons \((.*)\) have the sender's e-mail (.*)$/, 'reasonSeveralSalespersons'],
  [/^sent by salesperson (\S+), but no To or Cc address is a contact's e-mail$/, 'reasonNoRecipient'],
  [/^the sender is contact (\S+), which is privacy_blocked$/, 'reasonBlocked'],
];

function reasonNode(text) {
  for (const [re, key] of REASONS) {
    const m = re.exec(text || '');
    if (m) return document.createTextNode(t(key, ...m.slice(1)));
  }
  return h('span', { lang: 'en' }, text || '');
}

export function fmtBytes(n) {
  const units = ['byte', 'kilobyte', 'megabyte'];
  let v = Number(n) || 0;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return new Intl.NumberFormat(locale(), { style: 'unit', unit: units[i], unitDisplay: 'short',
                                           maximumFractionDigits: i ? 1 : 0 }).format(v);
}

function base64(buf) {
  const bytes = new Uint8Array(buf);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function reportTable(caption, cols, rows, id) {
  if (!rows.length) return null;
  return h('div', { class: 'table-wrap' }, h('table', { class: 'cards', id },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, cols.map(([label]) => h('th', { scope: 'col' }, label)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, cols.map(([label, cell]) =>
      h('td', { 'data-label': label }, cell(r))))))));
}

// The report of one import: counts, then the entries, duplicates, unmatched and warnings.
function report(sum) {
  const entryLink = (r) => link(`#/interactions/${r.entry_no}`, String(r.entry_no));
  return h('section', { id: 'mail-report', 'aria-labelledby': 'mail-report-h' },
    h('h2', { id: 'mail-report-h' }, t('importReport')),
    h('p', { class: 'notice' }, [tn('mailMessages', sum.messages), tn('mailLogged', sum.logged),
      tn('mailDuplicates', sum.duplicates), tn('mailUnmatched', sum.unmatched),
      tn('mailWarnings', sum.warnings)].join(' · ')),
    reportTable(t('loggedEntries'), [[t('entry'), entryLink], [t('contact'), (r) => nameCell('contact', r.contact_no)],
      [t('subject'), (r) => r.subject || '—'], [t('file'), (r) => r.source]], sum.entries, 'mail-logged'),
    reportTable(t('unmatchedMessages'), [[t('file'), (r) => r.source], [t('sender'), (r) => r.from || '—'],
      [t('subject'), (r) => r.subject || '—'], [t('reason'), (r) => reasonNode(r.reason)]],
    sum.unmatched_messages, 'mail-unmatched'),
    reportTable(t('duplicateMessages'), [[t('file'), (r) => r.source], [t('subject'), (r) => r.subject || '—'],
      [t('loggedAs'), entryLink]], sum.duplicate_messages, 'mail-duplicates'),
    reportTable(t('warnings'), [[t('file'), (r) => r.source],
      [t('warning'), (r) => h('span', { lang: 'en' }, r.warning)]], sum.warning_messages, 'mail-warnings'));
}

export async function mailPage() {
  const input = h('input', { type: 'file', id: 'mail-files', name: 'files', multiple: true,
                             accept: '.eml,message/rfc822', 'aria-describedby': 'mail-files-help' });
  const out = h('div', { 'aria-live': 'polite' });
  const go = h('button', { type: 'submit', class: 'primary' }, t('importMail'));
  const form = h('form', { id: 'mail-import' },
    h('div', { class: 'field' }, h('label', { for: 'mail-files' }, t('mailFiles')), input,
      h('small', { id: 'mail-files-help', class: 'hint' }, t('mailFilesHelp'))),
    h('div', { class: 'buttons' }, go));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const files = [...input.files];
    if (!files.length) {
      say(t('chooseFiles'));
      input.focus();
      return;
    }
    go.disabled = true;
    say(t('working'));
    // One request per file; the summaries add up to one report.
    const sum = { messages: 0, logged: 0, duplicates: 0, unmatched: 0, warnings: 0, entries: [],
                  duplicate_messages: [], unmatched_messages: [], warning_messages: [] };
    try {
      for (const f of files) {
        const r = await post('/api/mail/messages', { message_base64: base64(await f.arrayBuffer()), source: f.name });
        for (const k of ['messages', 'logged', 'duplicates', 'unmatched', 'warnings']) sum[k] += r[k];
        for (const k of ['entries', 'duplicate_messages', 'unmatched_messages', 'warning_messages']) sum[k].push(...r[k]);
      }
      say(`${tn('mailMessages', sum.messages)} · ${tn('mailLogged', sum.logged)}`);
    } catch (e) {
      sayError(e);
    } finally {
      go.disabled = false;
    }
    if (sum.messages) out.replaceChildren(report(sum));
  });
  // The mailbox relm serve fetches by itself (--fetch-mail), fetched now on request.
  const box = await get('/api/mail/mailbox');
  let fetchPart;
  if (box.url) {
    const now = h('button', { type: 'button', id: 'fetch-mail', onclick: async () => {
      now.disabled = true;
      say(t('working'));
      try {
        const r = await post('/api/mail/fetch');
        say(`${tn('mailMessages', r.messages)} · ${tn('mailLogged', r.logged)}`);
        out.replaceChildren(report(r));
      } catch (e) {
        sayError(e);
      } finally {
        now.disabled = false;
      }
    } }, t('fetchMailNow'));
    fetchPart = [h('p', {}, t('mailboxIs'), ' ', h('code', { lang: 'en' }, box.url)), h('div', { class: 'buttons' }, now)];
  } else {
    fetchPart = [h('p', { class: 'hint', id: 'no-mailbox' }, t('noMailbox'))];
  }
  return h('section', {}, h('h1', {}, t('importMail')),
    h('p', { class: 'hint' }, t('importMailHelp'), ' ', link('#/setup', t('setup'))),
    form, h('h2', {}, t('fetchMail')), ...fetchPart, out);
}

// The kept message of entry e as a section, or null when it keeps none.
export async function messageSection(e) {
  if (!e.attachment_no) return null;
  let m;
  try {
    m = await get(`/api/interactions/${e.entry_no}/message`);
  } catch {
    return null;
  }
  const facts = [[t('sender'), m.from], [t('recipients'), m.to], [t('copyTo'), m.cc],
    [t('subject'), m.subject], [t('sentAt'), m.date ? fmtDate(m.date) : ''],
    [t('messageId'), m.message_id ? h('code', { lang: 'en' }, m.message_id) : '']]
    .filter(([, v]) => v);
  return h('section', { id: 'kept-message', 'aria-labelledby': 'kept-message-h' },
    h('h2', { id: 'kept-message-h' }, t('keptMessage')),
    h('dl', { class: 'facts' }, facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('div', { class: 'mail-text', tabindex: '0', role: 'region', 'aria-label': t('messageText') }, m.text || '—'),
    h('h3', {}, t('attachments')),
    m.attachments.length ? h('ul', { class: 'attachments' }, m.attachments.map((a) =>
      h('li', {}, a.file_name || t('noFileName'), ' ', h('span', { class: 'code' }, `${a.content_type}, ${fmtBytes(a.size)}`))))
      : h('p', {}, t('noAttachments')));
}
