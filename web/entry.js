// One interaction log entry: what was recorded, with names for the codes, its comment
// lines, what became of its delivery when it was sent by e-mail, and the message kept with
// it: a captured mail read as sender, subject, text and attachments, else the body sent.
import { get } from './api.js';
import { t, tv, fmtNum, fmtDate } from './i18n.js';
import { h, link, enc } from './ui.js';
import { nameCell } from './names.js';
import { commentsDialog, interactionDialog } from './interaction.js';
import { messageSection } from './mail.js';

function facts(rows) {
  return h('dl', { class: 'facts' }, rows.filter(([, v]) => v !== null && v !== undefined && v !== '')
    .flatMap(([label, v]) => [h('dt', {}, label), h('dd', {}, v)]));
}

export async function entryPage(no) {
  const e = await get(`/api/interactions/${enc(no)}`);
  const state = e.postponed ? t('postponedState') : e.canceled ? t('canceled') : t('active');
  const comments = h('ul', { class: 'comments' }, (e.comments || []).length
    ? e.comments.map((c) => h('li', {}, `${fmtDate(c.date)} ${c.comment}`)) : h('li', {}, t('none')));
  // Delivery by relm only: a captured mail has a Message-ID but was never sent by relm.
  const sent = e.delivered_at || e.delivery_error || e.delivery_attempts || e.delivery_status
    ? h('section', {}, h('h2', {}, t('entryDelivery')), facts([
      [t('deliveredAt'), e.delivered_at ? fmtDate(e.delivered_at) : '—'],
      [t('contactVia'), e.contact_via],
      [t('deliveryError'), e.delivery_error],
      [t('deliveryAttempts'), e.delivery_attempts ? String(e.delivery_attempts) : ''],
      [t('messageId'), e.message_id ? h('code', { lang: 'en' }, e.message_id) : ''],
    ])) : null;
  const message = await messageSection(e);
  const body = !message && e.attachment ? h('section', { 'aria-labelledby': 'sent-body-h' },
    h('h2', { id: 'sent-body-h' }, t('sentBody')),
    h('div', { class: 'mail-text', tabindex: '0', role: 'region', 'aria-label': t('sentBody') }, e.attachment))
    : null;
  return h('section', { class: 'card' },
    h('h1', {}, t('entryDetail', e.entry_no), ' ', h('span', { class: 'code' }, e.description)),
    h('div', { class: 'toolbar' },
      e.postponed ? null : h('button', { type: 'button', class: 'primary', onclick: () =>
        interactionDialog({ from_entry_no: e.entry_no }) }, t('createInteraction')),
      h('button', { type: 'button', onclick: () => commentsDialog(e.entry_no) }, t('comments')),
      link('#/interactions', t('interactions'))),
    facts([
      [t('status'), state],
      [t('date'), `${fmtDate(e.date)} ${e.time || ''}`.trim()],
      [t('contact'), nameCell('contact', e.contact_no)],
      [t('template'), nameCell('template', e.interaction_template_code)],
      [t('subject'), e.subject],
      [t('salesperson'), nameCell('salesperson', e.salesperson_code)],
      [t('cost'), fmtNum(e.cost)],
      [t('duration'), fmtNum(e.duration)],
      [t('correspondence'), tv('corr', e.correspondence_type)],
      [t('evaluation'), tv('eval', e.evaluation)],
      [t('attemptFailed'), e.attempt_failed ? t('yes') : ''],
      [t('campaign'), e.campaign_no ? nameCell('campaign', e.campaign_no) : ''],
      [t('segment'), e.logged_segment_entry_no
        ? link(`#/logged-segments/${e.logged_segment_entry_no}`, e.segment_no || String(e.logged_segment_entry_no))
        : e.segment_no],
      [t('user_id'), e.user_id],
    ]),
    h('h2', {}, t('comments')), comments, sent, message, body);
}
