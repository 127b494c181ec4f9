// Errors from the API shown where they belong: next to the field they are about, in the
// user's language, chosen by the error's code and field. The API answers
// {"error": {"code", "message"[, "field"]}}; when "field" is missing the field is found in
// the message (the library names record and field: "contact CT1: email is not ...").
// The server's own sentence stays available, marked as English, below the translation.
import { t } from './i18n.js';

// Phrases of the library's messages that stand for a field of the forms.
const PHRASES = [
  [/\binteraction template\b/, 'interaction_template_code'],
  [/\bsalesperson\b/, 'salesperson_code'],
  [/\bcampaign\b/, 'campaign_no'],
  [/^contact\b|\bfor contact\b|\bcontact \S+ does not exist/, 'contact_no'],
  [/\bsaved criteria\b/, 'code'],
];

function controlsOf(form) {
  return [...form.querySelectorAll('[name]')].filter((el) => el.type !== 'hidden');
}

// The form control an error is about, or null.
export function errorControl(form, e) {
  if (!form) return null;
  const controls = controlsOf(form);
  const byName = (n) => controls.find((c) => c.name === n) || null;
  if (e.field && byName(e.field)) return byName(e.field);
  const msg = String(e.message || '');
  // A field name written in the message. The library writes "record field: problem" or
  // "field is ...", so a name before ":" or "is" wins over one in the problem's words
  // ("contact email: ... not a valid e-mail address" is about email, not address); a
  // snake_case name is a field name wherever it stands.
  let best = null;
  let rank = -1;
  let at = -1;
  for (const c of controls) {
    const re = new RegExp(`(^|[^a-z_])${c.name}(?=([^a-z_]|$))`, 'g');
    let m;
    while ((m = re.exec(msg))) {
      const after = msg.slice(m.index + m[0].length);
      const r = c.name.includes('_') ? 3 : /^:/.test(after) ? 2 : /^ is\b/.test(after) ? 1 : 0;
      if (r > rank || (r === rank && m.index > at)) {
        rank = r;
        at = m.index;
        best = c;
      }
    }
  }
  if (best) return best;
  for (const [re, n] of PHRASES) if (re.test(msg) && byName(n)) return byName(n);
  return null;
}

function labelOf(control) {
  if (!control) return '';
  const id = control.id;
  const lab = id ? control.ownerDocument.querySelector(`label[for="${CSS.escape(id)}"]`) : null;
  return (lab && lab.textContent.trim()) || control.getAttribute('aria-label') || control.name;
}

// One sentence in the user's language for error e about control (may be null).
export function errorText(e, control) {
  const msg = String(e.message || '');
  const label = labelOf(control);
  if (label) {
    if (/is required|må fylles/.test(msg)) return t('errRequired', label);
    if (/does not exist/.test(msg)) return t('errNotFound', label, control.value);
    if (/not a number|decimals/.test(msg)) return t('errNumber', label);
    if (/not a valid time|time "/.test(msg)) return t('errTime', label);
    if (/date/.test(msg) && /not a valid|is not/.test(msg)) return t('errDate', label);
    if (/is not one of/.test(msg)) return t('errChoice', label);
    if (/longer than|too long/.test(msg)) return t('errTooLong', label);
    if (/e-mail address/.test(msg)) return t('errEmail', label);
  }
  const generic = t(`code.${e.code || 'error'}`);
  const text = generic === `code.${e.code}` ? t('code.error') : generic;
  return label ? `${label}: ${text}` : text;
}

// The translation with the server's sentence (in English) after it.
function messageNodes(e, control) {
  const text = errorText(e, control);
  const nodes = [document.createTextNode(text)];
  if (e.message && e.message !== text) {
    const orig = document.createElement('small');
    orig.className = 'server-says';
    orig.lang = 'en';
    orig.textContent = ` (${e.message})`;
    nodes.push(orig);
  }
  return nodes;
}

// Remove the errors shown in form (after a later success or a new attempt).
export function clearErrors(form) {
  if (!form) return;
  for (const p of form.querySelectorAll('.field-error')) p.remove();
  for (const c of form.querySelectorAll('[aria-invalid]')) {
    c.removeAttribute('aria-invalid');
    const ids = (c.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && !x.endsWith('-err'));
    if (ids.length) c.setAttribute('aria-describedby', ids.join(' '));
    else c.removeAttribute('aria-describedby');
  }
}

/*
 * Show e next to the control of form it is about, or, when no control matches, through
 * general(nodes) (the dialog's message line or the page's status). Returns the control.
 */
export function showError(form, e, general) {
  clearErrors(form);
  const control = errorControl(form, e);
  if (!control) {
    general(messageNodes(e, null));
    return null;
  }
  const id = `${control.id || control.name}-err`;
  const p = document.createElement('p');
  p.className = 'field-error';
  p.id = id;
  p.setAttribute('role', 'alert');
  p.append(...messageNodes(e, control));
  const wrap = control.closest('.field') || control.parentElement;
  wrap.append(p);
  control.setAttribute('aria-invalid', 'true');
  const ids = (control.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
  control.setAttribute('aria-describedby', [...ids, id].join(' '));
  return control;
}

// For the page's status line: the translated sentence and the server's.
export function errorNodes(e) {
  return messageNodes(e, null);
}
