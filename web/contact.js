// Creating and editing a contact in a dialog. A new contact sends the fields filled in; an
// edit sends only the fields changed, so the library's defaults and inheritance rules
// (salesperson and address from the company) decide the rest. Errors stand next to their
// field; Escape after typing asks before throwing the input away.
import { post, patch } from './api.js';
import { t, tv } from './i18n.js';
import { h, field, modal, choose, say, formValues, enc } from './ui.js';
import { picker } from './picker.js';
import { showError, clearErrors } from './errors.js';
import { loadLookups } from './interaction.js';
import { remember } from './names.js';

const TEXT = ['name', 'first_name', 'surname', 'job_title', 'address', 'post_code', 'city',
  'country_code', 'phone_no', 'mobile_phone_no', 'email', 'language_code'];

// rec: the contact to edit, or null for a new one. Resolves with the saved contact or null.
export async function contactDialog(rec) {
  const lk = await loadLookups();
  const c = rec || { type: 'company' };
  const v = (k) => c[k] ?? '';
  const labels = { name: t('name'), first_name: t('firstName'), surname: t('surname'),
    job_title: t('fld.job_title'), address: t('address'), post_code: t('fld.post_code'),
    city: t('city'), country_code: t('fld.country_code'), phone_no: t('phone'),
    mobile_phone_no: t('mobilePhone'), email: t('email'), language_code: t('language_code') };
  const form = h('form', { class: 'grid', novalidate: true, id: 'contact-form' },
    field({ name: 'type', label: t('type'), type: 'select', value: v('type'), readonly: !!rec,
            options: [['company', t('company')], ['person', t('person')]] }),
    picker({ name: 'company_no', label: t('company'), kind: 'company', value: c.type === 'person' ? v('company_no') : '' }),
    TEXT.map((k) => field({ name: k, label: labels[k], value: v(k),
      type: k === 'email' ? 'email' : 'text', autocomplete: 'off' })),
    field({ name: 'salesperson_code', label: t('salesperson'), type: 'select', value: v('salesperson_code'),
            options: [['', '—'], ...lk.salespersons.map((x) => [x.code, `${x.name} (${x.code})`])] }),
    field({ name: 'correspondence_type', label: t('correspondence'), type: 'select',
            value: v('correspondence_type'),
            options: [['', '—'], ...['hard_copy', 'email', 'fax'].map((x) => [x, tv('corr', x)])] }),
    field({ name: 'exclude_from_segment', label: t('excludeFromSegment'), type: 'checkbox',
            value: c.exclude_from_segment }));
  const msg = h('p', { class: 'dialog-error', role: 'alert' });
  const ok = h('button', { type: 'submit', class: 'primary', id: 'contact-save' },
    rec ? t('saveContact') : t('createContact'));
  const cancel = h('button', { type: 'button' }, t('cancel'));
  form.append(msg, h('div', { class: 'buttons span' }, ok, cancel));
  const companyField = form.querySelector('.picker');
  const showCompany = () => {
    companyField.style.display = form.elements.type.value === 'person' ? '' : 'none';
  };
  form.elements.type.addEventListener('change', showCompany);
  showCompany();
  let touched = false;
  form.addEventListener('input', () => { touched = true; });
  form.addEventListener('change', () => { touched = true; });

  return new Promise((resolve) => {
    let m = null;
    const done = (val) => {
      m.close();
      resolve(val);
    };
    const leave = async () => {
      if (!touched) return done(null);
      const a = await choose(t('discardQ'), null, [['discard', t('discard'), 'primary'],
        [null, t('keepEditing')]], null);
      if (a === 'discard') done(null);
    };
    cancel.addEventListener('click', leave);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const all = formValues(form);
      const body = {};
      for (const [k, x] of Object.entries(all)) {
        if (k === 'company_no' && all.type !== 'person') continue;
        if (rec ? x !== (c[k] ?? (typeof x === 'boolean' ? false : '')) : x !== '' && x !== false) body[k] = x;
      }
      if (rec) delete body.type;
      ok.disabled = true;
      try {
        const saved = rec ? await patch(`/api/contacts/${enc(rec.no)}`, body) : await post('/api/contacts', body);
        clearErrors(form);
        remember('contact', saved.no, saved.name);
        say(t(rec ? 'contactSaved' : 'contactCreated', `${saved.name} (${saved.no})`));
        done(saved);
      } catch (e) {
        showError(form, e, (nodes) => msg.replaceChildren(...nodes));
      } finally {
        ok.disabled = false;
      }
    });
    m = modal(rec ? t('editContactTitle', `${c.name} (${c.no})`) : t('newContact'), form, leave);
    m.dlg.classList.add('wide');
    form.elements[rec ? 'name' : 'type'].focus();
  });
}
