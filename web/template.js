// A template's own page: its fields (editable by administrators), its language variants
// and the attachment body each language sends (with merge fields such as {{name}}).
import { get, post, patch, put, del } from './api.js';
import { t, tv } from './i18n.js';
import { h, field, formValues, say, sayError, sayErrorNodes, ask, link, enc } from './ui.js';
import { picker } from './picker.js';
import { showError, clearErrors, errorNodes } from './errors.js';
import { forget } from './names.js';
import { loadLookups } from './interaction.js';

const choice = (kind, values) => values.map((v) => [v, v ? tv(kind, v) : '—']);

export async function templatePage(me, code) {
  const admin = me.role === 'admin';
  const x = await get(`/api/templates/${enc(code)}`);
  const groups = (await get('/api/groups?limit=500')).items;
  const ro = !admin;
  const form = h('form', { class: 'grid', id: 'template-form' },
    field({ name: 'description', label: t('description'), value: x.description, readonly: ro }),
    field({ name: 'interaction_group_code', label: t('group'), type: 'select', value: x.interaction_group_code,
            readonly: ro, options: groups.map((g) => [g.code, `${g.description} (${g.code})`]) }),
    field({ name: 'unit_cost', label: t('unitCost'), type: 'money', value: x.unit_cost, readonly: ro }),
    field({ name: 'unit_duration', label: t('unitDuration'), type: 'money', value: x.unit_duration, readonly: ro }),
    field({ name: 'information_flow', label: t('informationFlow'), type: 'select', value: x.information_flow,
            readonly: ro, options: choice('flow', ['', 'outbound', 'inbound']) }),
    field({ name: 'initiated_by', label: t('initiatedBy'), type: 'select', value: x.initiated_by,
            readonly: ro, options: choice('init', ['', 'us', 'them']) }),
    field({ name: 'correspondence_type', label: t('correspondence'), type: 'select', value: x.correspondence_type,
            readonly: ro, options: choice('corr', ['', 'hard_copy', 'email', 'fax']) }),
    field({ name: 'ignore_contact_corresp_type', label: t('ignoreContactCorresp'), type: 'checkbox',
            value: x.ignore_contact_corresp_type, readonly: ro }),
    field({ name: 'language_code', label: t('language_code'), value: x.language_code, readonly: ro }),
    ro ? field({ name: 'campaign_no', label: t('campaign'), value: x.campaign_no, readonly: true })
      : picker({ name: 'campaign_no', label: t('campaign'), kind: 'campaign', value: x.campaign_no }),
    field({ name: 'campaign_target', label: t('campaignTarget'), type: 'checkbox', value: x.campaign_target,
            readonly: ro }),
    field({ name: 'campaign_response', label: t('campaignResponse'), type: 'checkbox',
            value: x.campaign_response, readonly: ro }),
    ro ? null : h('div', { class: 'buttons span' }, h('button', { type: 'submit', class: 'primary' },
      t('saveTemplate'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = formValues(form);
    const body = {};
    for (const [k, val] of Object.entries(v)) if (val !== x[k]) body[k] = val;
    try {
      Object.assign(x, await patch(`/api/templates/${enc(x.code)}`, body));
      clearErrors(form);
      forget('template');
      loadLookups(true);
      say(t('templateSaved', x.code));
    } catch (e) {
      showError(form, e, sayErrorNodes);
    }
  });

  // Language variants and the attachment body of the one chosen ('' = the template's own).
  const variants = h('div', { id: 'variants' });
  const bodyLang = h('select', { id: 'body-language', name: 'language' });
  const bodyText = h('textarea', { id: 'body-text', name: 'body', rows: 10, readonly: ro });
  const loadBody = async () => {
    try {
      const r = await get(`/api/templates/${enc(x.code)}/attachment${bodyLang.value
        ? `?language=${enc(bodyLang.value)}` : ''}`);
      bodyText.value = r.body;
    } catch (e) {
      bodyText.value = '';
      if (e.status !== 404) sayError(e);
    }
    showPreview(); // defined below; the preview follows the body shown
  };
  bodyLang.addEventListener('change', loadBody);
  async function loadVariants() {
    const r = await get(`/api/templates/${enc(x.code)}/languages`);
    variants.replaceChildren(r.items.length ? h('ul', {}, r.items.map((l) => h('li', {},
      h('strong', {}, l.language_code), ' ', l.description || '',
      admin ? h('button', { type: 'button', class: 'delete-variant', onclick: async () => {
        if (!(await ask(t('deleteVariantQ', l.language_code), null,
          { yes: t('delete'), no: t('cancel') }))) return;
        try {
          await del(`/api/templates/${enc(x.code)}/languages/${enc(l.language_code)}`);
          say(t('variantDeleted', l.language_code));
          loadVariants();
        } catch (e) {
          sayError(e);
        }
      } }, t('delete')) : null))) : h('p', {}, t('noVariants')));
    const cur = bodyLang.value;
    bodyLang.replaceChildren(h('option', { value: '' }, t('templateOwn')),
      ...r.items.map((l) => h('option', { value: l.language_code }, l.language_code)));
    bodyLang.value = r.items.some((l) => l.language_code === cur) ? cur : '';
  }
  const addVariant = h('form', { class: 'toolbar', id: 'add-variant' },
    field({ name: 'language_code', label: t('language_code') }),
    field({ name: 'description', label: t('description') }),
    h('button', { type: 'submit' }, t('addVariant')));
  addVariant.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = formValues(addVariant);
    try {
      await put(`/api/templates/${enc(x.code)}/languages/${enc(v.language_code)}`,
        v.description ? { description: v.description } : {});
      clearErrors(addVariant);
      addVariant.reset();
      say(t('variantSaved', v.language_code.toUpperCase()));
      loadVariants();
    } catch (e) {
      showError(addVariant, e, sayErrorNodes);
    }
  });
  const bodyForm = h('form', { id: 'body-form' },
    h('div', { class: 'field' }, h('label', { for: 'body-language' }, t('language_code')), bodyLang),
    h('div', { class: 'field' }, h('label', { for: 'body-text' }, t('attachmentBody')), bodyText,
      h('small', { class: 'hint' }, t('mergeHelp'))),
    ro ? null : h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, t('saveBody'))));
  bodyForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await put(`/api/templates/${enc(x.code)}/attachment`,
        bodyLang.value ? { body: bodyText.value, language: bodyLang.value } : { body: bodyText.value });
      clearErrors(bodyForm);
      say(t('bodySaved', bodyLang.value || x.code));
    } catch (e) {
      showError(bodyForm, e, sayErrorNodes);
    }
  });
  // Live merge preview: the body as it stands in the editor (saved or not), merged for a
  // contact the user picks, as an entry of this template for that contact would be.
  const previewPick = picker({ name: 'preview_contact_no', label: t('previewContact'), kind: 'contact',
                               id: 'preview-contact' });
  const previewContact = previewPick.querySelector('input');
  const previewText = h('pre', { id: 'preview-text', class: 'preview', 'aria-live': 'polite' },
    t('previewPick'));
  const previewHtml = h('iframe', { id: 'preview-html', class: 'preview', sandbox: '', hidden: true,
                                    title: t('mergePreview') });
  const previewError = h('p', { id: 'preview-error', class: 'field-error', role: 'alert', hidden: true });
  let previewSeq = 0;
  let previewTimer = null;
  const showPreview = async () => {
    const no = previewContact.value.trim();
    const mine = ++previewSeq;
    if (!no) {
      previewText.hidden = false;
      previewHtml.hidden = true;
      previewError.hidden = true;
      previewText.textContent = t('previewPick');
      return;
    }
    const req = { contact_no: no, body: bodyText.value };
    if (bodyLang.value) req.language = bodyLang.value;
    try {
      const r = await post(`/api/templates/${enc(x.code)}/preview`, req);
      if (mine !== previewSeq) return;
      previewError.hidden = true;
      previewText.hidden = r.html;
      previewHtml.hidden = !r.html;
      if (r.html) previewHtml.srcdoc = r.body;
      else previewText.textContent = r.body;
    } catch (e) {
      if (mine !== previewSeq) return;
      // In the user's language, with the server's sentence (naming the field) after it.
      previewError.replaceChildren(...errorNodes(e));
      previewError.hidden = false;
    }
  };
  const previewSoon = () => {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(showPreview, 250);
  };
  previewContact.addEventListener('change', showPreview);
  bodyText.addEventListener('input', previewSoon);
  const previewBox = h('div', { id: 'merge-preview' }, previewPick, previewError, previewText, previewHtml);

  await loadVariants();
  loadBody();
  return h('section', { class: 'card' },
    h('h1', {}, x.description, ' ', h('span', { class: 'code' }, x.code)),
    h('div', { class: 'toolbar' }, link('#/templates', t('templates'))),
    form, h('h2', {}, t('languageVariants')), variants, admin ? addVariant : null,
    h('h2', {}, t('attachmentBody')), bodyForm, h('h2', {}, t('mergePreview')), previewBox);
}
