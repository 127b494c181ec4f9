// The home page: what a salesperson starts the day with. Their postponed interactions
// (all of them when the account has no salesperson), the newest interactions, the e-mail
// outbox, and the segments being built.
import { t, tv, fmtDate } from './i18n.js';
import { h, pagedTable, link, enc } from './ui.js';
import { nameCell } from './names.js';
import { interactionDialog } from './interaction.js';

export async function homePage(me) {
  const mine = me.salesperson_code ? { salesperson_code: me.salesperson_code } : {};
  let postponed = null;
  postponed = pagedTable({ url: '/api/interactions', limit: 5, params: { ...mine, status: 'postponed' },
    caption: me.salesperson_code ? t('myPostponed') : t('postponed'), empty: t('noPostponed'), cols: [
      { label: t('date'), cell: (e) => fmtDate(e.date) },
      { label: t('contact'), cell: (e) => nameCell('contact', e.contact_no) },
      { label: t('subject'), cell: (e) => e.subject || e.description || '—' },
      { label: '', cell: (e) => h('button', { type: 'button', class: 'resume', 'data-entry': e.entry_no,
        onclick: () => interactionDialog({ resume: e, onDone: () => postponed.reload() }) }, t('resume')) },
    ] });
  // Canceled entries did not happen: the recent ones are the active ones.
  const recent = pagedTable({ url: '/api/interactions', limit: 8, params: { status: 'active' },
    caption: t('recentInteractions'), cols: [
    { label: t('date'), cell: (e) => fmtDate(e.date) },
    { label: t('contact'), cell: (e) => nameCell('contact', e.contact_no) },
    { label: t('template'), cell: (e) => nameCell('template', e.interaction_template_code) },
    { label: t('subject'), cell: (e) => e.subject || '—' },
    { label: t('salesperson'), cell: (e) => nameCell('salesperson', e.salesperson_code) },
  ] });
  const segments = pagedTable({ url: '/api/segments', limit: 5, caption: t('activeSegments'), cols: [
    { label: t('description'), cell: (s) => link(`#/segments/${enc(s.no)}`, s.description || s.no) },
    { label: t('template'), cell: (s) => nameCell('template', s.interaction_template_code) },
    { label: t('noOfLines'), cell: (s) => String(s.no_of_lines) },
  ] });
  // The outbox: e-mails waiting to go out or being sent, letters waiting to be printed, and
  // entries that failed (with the reason).
  const outbox = pagedTable({ url: '/api/interactions', limit: 5, params: { status: 'outbox' },
    caption: t('outbox'), empty: t('outboxEmpty'), cols: [
      { label: t('entry'), cell: (e) => link(`#/interactions/${e.entry_no}`, String(e.entry_no)) },
      { label: t('contact'), cell: (e) => nameCell('contact', e.contact_no) },
      { label: t('subject'), cell: (e) => e.subject || e.description || '—' },
      { label: t('status'), cell: (e) => (e.delivery_status === 'error'
        ? h('span', {}, t('deliveryFailed'), ' ', h('small', { lang: 'en', class: 'server-says' }, e.delivery_error))
        // A letter leaves only when printed, from its logged segment: say so and lead there.
        : e.correspondence_type === 'hard_copy' && e.delivery_status === 'in_progress' && e.logged_segment_entry_no
          ? h('span', { class: 'to-print' }, t('waitingToPrint'), ' ',
            link(`#/logged-segments/${e.logged_segment_entry_no}`, t('loggedSegment', e.logged_segment_entry_no)))
          : tv('delivery', e.delivery_status)) },
    ] });
  return h('section', { class: 'home' }, h('h1', {}, t('welcome', me.full_name || me.name)),
    h('div', { class: 'toolbar' }, link('#/contacts', t('findContact')), link('#/segments', t('newSegment'))),
    postponed, recent, outbox, segments);
}
