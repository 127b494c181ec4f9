// Browser test of the relm web UI: the built binary serves a temporary demo database on a
// free loopback port; the system's headless Chromium (driven by playwright-core, never a
// downloaded browser) signs in and walks the seed's flows. Screenshots go to $ARTIFACTS.
//
//   RELM=build/relm ARTIFACTS=build/browser-artifacts node tests/browser/ui.test.mjs
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Exit status 77 tells meson the test was skipped (not failed) when the tools are missing.
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  console.log('# SKIP playwright-core is not installed: run `npm ci` in tests/browser');
  process.exit(77);
}

const RELM = process.env.RELM;
if (!RELM) {
  console.error('RELM must name the relm binary');
  process.exit(2);
}
const ARTIFACTS = process.env.ARTIFACTS || path.join(process.cwd(), 'browser-artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.log(`# SKIP ${CHROMIUM} is missing: apt-get install chromium`);
  process.exit(77);
}
const PASSWORD = 'correct horse battery';
const TIMEOUT = 15000;

let passed = 0;
let failed = 0;
function ok(desc) {
  passed++;
  console.log(`ok - ${desc}`);
}
function notOk(desc, detail) {
  failed++;
  console.log(`not ok - ${desc}`);
  if (detail) console.log(`#   ${String(detail).split('\n').join('\n#   ')}`);
}
function check(desc, cond, detail) {
  if (cond) ok(desc);
  else notOk(desc, detail);
}

const dir = mkdtempSync(path.join(tmpdir(), 'relm-browser-'));
const db = path.join(dir, 'test.db');
const env = { ...process.env, RELM_DB: db, RELM_TODAY: '2026-03-15' };
delete env.RELM_USER;
const cli = (args, input) => execFileSync(RELM, args, { env, input: input ?? '', encoding: 'utf8' });
cli(['init', '--demo']);
// Enough contacts for more than one page of the contact list.
cli(['contact', 'import', '-'], ['type,name,city',
  ...Array.from({ length: 30 }, (_, i) => `company,Paging Test ${i},Tromsø`)].join('\n') + '\n');
// Captured mail is logged with these two templates.
cli(['setup', 'set', '--inbound-email-template-code', 'INCOMING', '--outbound-email-template-code', 'OUTGOING']);
cli(['user', 'add', 'ann', '--role', 'admin', '--full-name', 'Ann Admin', '--password-stdin'],
  `${PASSWORD}\n`);
rmSync(ARTIFACTS, { recursive: true, force: true });
mkdirSync(ARTIFACTS, { recursive: true });

const server = spawn(RELM, ['serve', '--listen', '127.0.0.1:0', '--threads', '4'],
  { env, stdio: ['ignore', 'pipe', 'inherit'] });
const base = await new Promise((resolve, reject) => {
  let buf = '';
  const timer = setTimeout(() => reject(new Error('relm serve did not start')), 10000);
  server.stdout.on('data', (d) => {
    buf += d;
    const m = buf.match(/http:\/\/127\.0\.0\.1:\d+/);
    if (m) {
      clearTimeout(timer);
      resolve(m[0]);
    }
  });
  server.on('exit', () => reject(new Error('relm serve exited')));
});

const userDataDir = mkdtempSync(path.join(tmpdir(), 'relm-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: CHROMIUM,
  headless: true,
  locale: 'en-GB',
  viewport: { width: 1280, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = context.pages()[0] || (await context.newPage());
page.setDefaultTimeout(TIMEOUT);
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
page.on('console', (m) => {
  // Refused requests (401 before sign-in, 404 checks) are logged by Chromium; not script errors.
  if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
});
// Every request must stay on the server: no CDN, no network.
const foreign = [];
page.on('request', (r) => {
  if (!r.url().startsWith(base)) foreign.push(r.url());
});

let shot = 0;
async function snap(name, fullPage = true) {
  shot++;
  await page.screenshot({ path: path.join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${name}.png`),
                          fullPage });
}
const api = (p) => page.evaluate(async (u) => (await fetch(u)).json(), p);
const status = () => page.locator('#status');

// Choose a record in a picker field of scope by typing its code and clicking its option.
async function pick(scope, label, code) {
  const input = scope.getByRole('combobox', { name: label, exact: true });
  await input.fill('');
  await input.pressSequentially(code, { delay: 10 });
  await scope.locator(`[role=option][data-code="${code}"]`).click();
  if ((await input.inputValue()) !== code) throw new Error(`${label}: picked ${await input.inputValue()}`);
}

async function step(desc, fn) {
  try {
    await fn();
    ok(desc);
  } catch (e) {
    notOk(desc, e.stack || e);
    await snap(`failed-${desc.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}`).catch(() => {});
    // A dialog left open by a failed step would block the next steps.
    await page.evaluate(() => document.querySelectorAll('dialog').forEach((d) => d.remove())).catch(() => {});
  }
}

try {
  await step('the login page is shown and the user signs in', async () => {
    await page.goto(base + '/');
    await page.getByLabel('User name').fill('ann');
    await page.getByLabel('Password').fill(PASSWORD);
    await snap('login');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The home page greets by name and lists the segments being built.
    await page.getByRole('heading', { name: 'Welcome, Ann Admin' }).waitFor();
    await page.locator('table', { hasText: 'Segments being built' }).waitFor();
    await snap('home');
    await page.getByRole('link', { name: 'Contacts', exact: true }).click();
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    await page.locator('table tbody tr').first().waitFor();
    await snap('contacts');
  });

  await step('the contact list pages through the server with cursors', async () => {
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByRole('button', { name: 'Previous page' }).waitFor({ state: 'visible' });
    // The next page arrives asynchronously: wait for it rather than look at once.
    const enabled = await page.waitForFunction(() => {
      const b = [...document.querySelectorAll('button')].find((x) => x.textContent === 'Previous page');
      return b && !b.disabled;
    }, null, { timeout: 10000 }).then(() => true, () => false);
    if (!enabled) throw new Error('previous page is not enabled after paging');
  });

  let created = 0;
  await step('create an interaction from a contact card', async () => {
    await page.goto(base + '/#/contacts/CT000001');
    await page.getByRole('heading', { name: /CT000001/ }).waitFor();
    await page.locator('#create-interaction').click();
    const dlg = page.locator('dialog[open]');
    await pick(dlg, 'Template', 'OUTGOING');
    await page.waitForFunction(() =>
      document.querySelector('dialog[open] [name=description]').value === 'Outgoing call');
    await dlg.getByLabel('Subject').fill('Price list');
    await snap('create-interaction');
    await dlg.getByRole('button', { name: 'OK' }).click();
    await status().filter({ hasText: 'created' }).waitFor();
    created = Number((await status().textContent()).match(/\d+/)[0]);
    const e = await api(`/api/interactions/${created}`);
    if (e.subject !== 'Price list' || e.interaction_template_code !== 'OUTGOING' || e.user_id !== 'ann') {
      throw new Error(JSON.stringify(e));
    }
    await page.locator('table').filter({ hasText: 'Price list' }).waitFor().catch(() => {});
    // The card's statistics follow the history without a page reload.
    const stats = page.locator('section[aria-labelledby=stats-h]');
    await page.waitForFunction(() => {
      const s = document.querySelector('section[aria-labelledby=stats-h]');
      return s && /0\.50/.test(s.textContent);
    }, null, { timeout: 5000 });
    if (!/0\.50/.test(await stats.textContent())) throw new Error('statistics did not refresh');
    await snap('contact-card');
  });

  await step('only the log, which cancels selected entries, has check boxes to select them', async () => {
    for (const url of ['/#/contacts/CT000001', '/#/salespersons/JO']) {
      await page.goto(base + url);
      await page.locator('.paged tbody tr a[href^="#/interactions/"]').first().waitFor();
      const picks = await page.locator('.paged input.pick').count();
      const heads = await page.locator('.paged th', { hasText: /^Select$/ }).count();
      if (picks || heads) throw new Error(`${url}: ${picks} check boxes with nothing to do`);
    }
    await page.goto(base + '/#/interactions');
    await page.locator('.paged input.pick').first().waitFor();
    await page.locator('#cancel-entries').waitFor();
  });

  await step('names stand next to codes: contact card, history with its Subject column', async () => {
    await page.goto(base + '/#/contacts/CT000005');
    const facts = page.locator('section.card > dl.facts');
    await facts.filter({ hasText: 'Cronus Cardoxy Procurement' }).waitFor();
    await facts.filter({ hasText: 'Jim Olive' }).waitFor();
    const text = await facts.textContent();
    if (!/E-mail/.test(text) || /email|hard_copy/.test(text)) throw new Error(text);
    await page.goto(base + '/#/contacts/CT000001');
    await page.getByRole('heading', { name: /CT000001/ }).waitFor();
    const hist = page.locator('table').filter({ hasText: 'Price list' });
    await hist.locator('th', { hasText: 'Subject' }).waitFor();
    await hist.locator('td', { hasText: 'Cronus Cardoxy Procurement' }).first().waitFor();
    await hist.locator('td', { hasText: 'Jim Olive' }).first().waitFor();
    await hist.locator('td', { hasText: 'Outgoing call' }).first().waitFor();
    await snap('names');
  });

  await step('the card tells the last attempt by us from the last interaction', async () => {
    await page.locator('#create-interaction').click();
    const dlg = page.locator('dialog[open]');
    await pick(dlg, 'Template', 'INCOMING');
    await page.waitForFunction(() =>
      document.querySelector('dialog[open] [name=description]').value === 'Incoming call');
    await dlg.getByLabel('Date').fill('2026-03-20');
    await dlg.getByRole('button', { name: 'OK' }).click();
    await status().filter({ hasText: 'created' }).waitFor();
    await page.waitForFunction(() => {
      const s = document.querySelector('section[aria-labelledby=stats-h]');
      return s && /Date of last interaction\s*20 Mar 2026/.test(s.textContent);
    }, null, { timeout: 5000 });
    const text = await page.locator('section[aria-labelledby=stats-h]').textContent();
    if (!/Last date attempted \(by us\)\s*15 Mar 2026/.test(text)) throw new Error(text);
  });

  let postponed = 0;
  await step('cancel the dialog and finish later: the required fields are checked, every default is stored', async () => {
    await page.locator('#create-interaction').click();
    const dlg = page.locator('dialog[open]');
    await dlg.getByLabel('Subject').fill('Call back about the offer');
    await dlg.getByLabel('Subject').press('Tab');
    await dlg.getByLabel('Comments').fill('Ask for Mark\nBefore noon');
    await dlg.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'Do you want to finish this interaction later?' }).waitFor();
    await snap('finish-later');
    await page.getByRole('button', { name: 'Yes, finish later' }).click();
    // No template yet: the dialog stays open and the error stands next to the field.
    const tplField = dlg.locator('.field', { has: page.locator('[name=interaction_template_code]') });
    await tplField.locator('.field-error').filter({ hasText: 'Template is required.' }).waitFor();
    if ((await dlg.locator('[name=interaction_template_code]').getAttribute('aria-invalid')) !== 'true') {
      throw new Error('the template field is not marked invalid');
    }
    await snap('error-next-to-field');
    await pick(dlg, 'Template', 'OUTGOING');
    await page.waitForFunction(() =>
      document.querySelector('dialog[open] [name=description]').value === 'Outgoing call');
    // A later success clears the old error.
    if (await dlg.locator('.field-error').count()) throw new Error('the old error stays after a success');
    await dlg.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Yes, finish later' }).click();
    await status().filter({ hasText: 'postponed' }).waitFor();
    postponed = Number((await status().textContent()).match(/\d+/)[0]);
    const e = await api(`/api/interactions/${postponed}`);
    if (!e.postponed || e.subject !== 'Call back about the offer' || e.description !== 'Outgoing call' ||
        e.cost !== '0.50' || e.salesperson_code !== 'JO' ||
        e.comments.map((c) => c.comment).join('|') !== 'Ask for Mark|Before noon') {
      throw new Error(JSON.stringify(e));
    }
  });

  await step('cancel the dialog and answer No: nothing is saved', async () => {
    const before = (await api('/api/interactions?status=postponed&limit=500')).items.length;
    await page.locator('#create-interaction').click();
    const dlg = page.locator('dialog[open]');
    await pick(dlg, 'Template', 'OUTGOING');
    await dlg.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'No, discard' }).click();
    await page.waitForFunction(() => !document.querySelector('dialog[open]'));
    const after = (await api('/api/interactions?status=postponed&limit=500')).items.length;
    if (after !== before) throw new Error(`postponed ${before} -> ${after}`);
  });

  await step('Escape twice on the create dialog keeps what was typed', async () => {
    await page.locator('#create-interaction').click();
    const dlg = page.locator('dialog[open]').first();
    await dlg.getByLabel('Subject').fill('Do not lose me');
    await dlg.getByLabel('Subject').press('Tab');
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: 'Do you want to finish this interaction later?' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: 'Do you want to finish this interaction later?' })
      .waitFor({ state: 'detached' });
    const kept = await page.locator('dialog[open] [name=subject]').inputValue();
    if (kept !== 'Do not lose me') throw new Error(`subject after Escape twice: "${kept}"`);
    await page.locator('dialog[open]').getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'No, discard' }).click();
    await page.waitForFunction(() => !document.querySelector('dialog[open]'));
  });

  await step('resume the postponed interaction: the same entry is finished', async () => {
    await page.goto(base + '/#/postponed');
    await page.getByRole('heading', { name: 'Postponed interactions' }).waitFor();
    await page.locator(`button.resume[data-entry="${postponed}"]`).click();
    const dlg = page.locator('dialog[open]');
    await pick(dlg, 'Template', 'INCOMING');
    await page.waitForFunction(() =>
      document.querySelector('dialog[open] [name=description]').value === 'Incoming call');
    await snap('resume');
    await dlg.getByRole('button', { name: 'OK' }).click();
    await status().filter({ hasText: 'created' }).waitFor();
    const e = await api(`/api/interactions/${postponed}`);
    if (e.postponed || e.interaction_template_code !== 'INCOMING' || e.subject !== 'Call back about the offer' ||
        e.description !== 'Incoming call' || e.date !== '2026-03-15') {
      throw new Error(JSON.stringify(e));
    }
  });

  await step('delete a postponed interaction', async () => {
    const r = await page.evaluate(async () => {
      const me = await (await fetch('/api/me')).json();
      const resp = await fetch('/api/interactions/postpone', { method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
        body: JSON.stringify({ contact_no: 'CT000002', interaction_template_code: 'OUTGOING',
          subject: 'To delete' }) });
      return resp.json();
    });
    await page.goto(base + '/#/contacts');
    await page.goto(base + '/#/postponed');
    await page.locator(`button.delete[data-entry="${r.entry_no}"]`).click();
    const dlg = page.locator('dialog[open]');
    await dlg.getByRole('heading', { name: `Delete postponed interaction ${r.entry_no}?` }).waitFor();
    await dlg.getByRole('button', { name: 'Delete' }).click();
    await status().filter({ hasText: `Postponed interaction ${r.entry_no} deleted.` }).waitFor();
    const after = await page.evaluate(async (n) => (await fetch(`/api/interactions/${n}`)).status, r.entry_no);
    if (after !== 404) throw new Error(`entry still there: ${after}`);
  });

  await step('postponed interactions opened from a contact card say they are filtered, and Show all clears it', async () => {
    const postpone = (contact, subject) => page.evaluate(async ([c, sub]) => {
      const me = await (await fetch('/api/me')).json();
      return (await fetch('/api/interactions/postpone', { method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
        body: JSON.stringify({ contact_no: c, interaction_template_code: 'OUTGOING', subject: sub }) })).json();
    }, [contact, subject]);
    const mine = await postpone('CT000002', 'Filtered mine');
    const other = await postpone('CT000003', 'Filtered other');
    await page.goto(base + '/#/contacts/CT000002');
    await page.locator('a[href="#/postponed?contact_no=CT000002"]').click();
    const notice = page.locator('#postponed-filter');
    await notice.filter({ hasText: 'Only the postponed interactions of contact' }).filter({ hasText: 'CT000002' }).waitFor();
    await page.locator(`button.resume[data-entry="${mine.entry_no}"]`).waitFor();
    if (await page.locator(`button.resume[data-entry="${other.entry_no}"]`).count()) throw new Error('another contact\'s entry is listed');
    await snap('postponed-filtered');
    await notice.getByRole('link', { name: 'Show all postponed interactions' }).click();
    await page.locator(`button.resume[data-entry="${other.entry_no}"]`).waitFor();
    if (await page.locator('#postponed-filter').count()) throw new Error('the whole list still says it is filtered');
    for (const e of [mine, other]) {
      await page.evaluate(async (n) => {
        const me = await (await fetch('/api/me')).json();
        await fetch(`/api/interactions/${n}`, { method: 'DELETE', headers: { 'X-CSRF-Token': me.csrf_token } });
      }, e.entry_no);
    }
  });

  await step('evaluate and cancel entries in the interaction log', async () => {
    await page.goto(base + '/#/interactions');
    await page.getByRole('heading', { name: 'Interaction log' }).waitFor();
    await page.getByLabel(`Evaluate ${created}`).selectOption('positive');
    await status().filter({ hasText: `Entry ${created} evaluated: Positive.` }).waitFor();
    await page.getByLabel(`Entry ${created}`, { exact: true }).check();
    await page.getByRole('button', { name: 'Cancel selected' }).click();
    const dlg = page.locator('dialog[open]');
    await dlg.getByRole('heading', { name: 'Cancel 1 selected entry?' }).waitFor();
    // The help names the button that restores them, one the log really has.
    const help = await dlg.textContent();
    if (!/select them again and choose Cancel selected to restore them/.test(help)) throw new Error(help);
    await dlg.getByRole('button', { name: 'Cancel selected' }).click();
    await status().filter({ hasText: '1 entry canceled or restored.' }).waitFor();
    await page.waitForFunction(async (n) =>
      (await (await fetch(`/api/interactions/${n}`)).json()).canceled === true, created);
    const e = await api(`/api/interactions/${created}`);
    if (e.evaluation !== 'positive') throw new Error(JSON.stringify(e));
    await snap('interaction-log');
  });

  await step('create an interaction from a log entry', async () => {
    await page.locator(`button.from-entry[data-entry="${created}"]`).click();
    const dlg = page.locator('dialog[open]');
    const contact = await dlg.getByLabel('Contact').inputValue();
    if (contact !== 'CT000001') throw new Error(`contact ${contact}`);
    await pick(dlg, 'Template', 'ABSTRACT');
    await dlg.getByRole('button', { name: 'OK' }).click();
    await status().filter({ hasText: 'created' }).waitFor();
    const n = Number((await status().textContent()).match(/\d+/)[0]);
    const e = await api(`/api/interactions/${n}`);
    if (e.contact_no !== 'CT000001' || e.salesperson_code !== 'JO') throw new Error(JSON.stringify(e));
  });

  await step('comment lines of a log entry: added, listed and deleted', async () => {
    await page.goto(base + '/#/interactions');
    await page.getByRole('heading', { name: 'Interaction log' }).waitFor();
    await page.locator(`button.comments[data-entry="${created}"]`).click();
    const dlg = page.locator('dialog[open]');
    await dlg.getByRole('heading', { name: `Comments on entry ${created}` }).waitFor();
    await dlg.getByLabel('Comment').fill('Sent the price list');
    await dlg.getByLabel('Date').fill('2026-03-20');
    await dlg.getByRole('button', { name: 'Add comment' }).click();
    await dlg.locator('li[data-line="10000"]').filter({ hasText: 'Sent the price list' }).waitFor();
    await dlg.getByLabel('Comment').fill('Second line');
    await dlg.getByRole('button', { name: 'Add comment' }).click();
    await dlg.locator('li[data-line="20000"]').waitFor();
    await snap('comments');
    // Deleting asks first, quoting the line; keeping it changes nothing.
    const comments = dlg.filter({ has: page.getByRole('heading', { name: `Comments on entry ${created}` }) });
    const confirm = page.locator('dialog[open]').filter({ has: page.getByRole('heading', { name: 'Delete comment line 20000?' }) });
    await comments.getByRole('button', { name: 'Delete Line 20000' }).click();
    await confirm.filter({ hasText: 'Second line' }).waitFor();
    await confirm.getByRole('button', { name: 'Leave it as it is' }).click();
    await confirm.waitFor({ state: 'detached' });
    if ((await api(`/api/interactions/${created}`)).comments.length !== 2) throw new Error('deleted without a yes');
    await comments.getByRole('button', { name: 'Delete Line 20000' }).click();
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await comments.locator('li[data-line="20000"]').waitFor({ state: 'detached' });
    const e = await api(`/api/interactions/${created}`);
    const got = e.comments.map((c) => `${c.line_no}|${c.date}|${c.comment}`).join(',');
    if (got !== '10000|2026-03-20|Sent the price list') throw new Error(got);
    await comments.getByRole('button', { name: 'Close' }).click();
  });

  await step('an entry opens on its own page with names, subject and comment lines', async () => {
    await page.goto(base + '/#/interactions');
    await page.getByRole('link', { name: String(created), exact: true }).first().click();
    await page.getByRole('heading', { name: `Entry ${created}` }).waitFor();
    const text = await page.locator('main').textContent();
    for (const want of ['Cronus Cardoxy Procurement', 'Price list', 'Sent the price list', 'Outgoing call', 'Canceled']) {
      if (!text.includes(want)) throw new Error(`"${want}" missing: ${text}`);
    }
    await snap('entry');
  });

  await step('delete canceled entries from the interaction log, after confirming the count', async () => {
    await page.goto(base + '/#/interactions');
    await page.getByRole('heading', { name: 'Interaction log' }).waitFor();
    await page.locator('details.purge summary').click();
    await page.locator('#delete-canceled-interaction-template-code').fill('OUTGOING');
    await page.locator('#delete-canceled-contact-no').fill('CT000001');
    await page.locator('#delete-canceled-to').fill('2026-03-15');
    await page.getByRole('button', { name: 'Delete canceled entries' }).click();
    await page.getByRole('heading', { name: 'Delete 1 canceled entry?' }).waitFor();
    await snap('delete-canceled-confirm');
    await page.locator('dialog[open]').getByRole('button', { name: 'Cancel' }).click();
    const still = await page.evaluate(async (n) => (await fetch(`/api/interactions/${n}`)).status,
      created);
    if (still !== 200) throw new Error(`entry ${created} answers ${still} after No`);
    await page.getByRole('button', { name: 'Delete canceled entries' }).click();
    await page.locator('dialog[open]').getByRole('button', { name: 'Delete' }).click();
    await status().filter({ hasText: 'canceled entry deleted' }).waitFor();
    const text = await status().textContent();
    if (!/^1 canceled entry deleted/.test(text)) throw new Error(text);
    const gone = await page.evaluate(async (n) => (await fetch(`/api/interactions/${n}`)).status,
      created);
    if (gone !== 404) throw new Error(`entry ${created} answers ${gone}`);
  });

  await step('a campaign card shows the campaign statistics', async () => {
    await page.goto(base + '/#/campaigns');
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
    await page.getByRole('link', { name: 'CMP1001' }).click();
    await page.getByRole('heading', { name: /CMP1001/ }).waitFor();
    const text = await page.locator('section[aria-labelledby=stats-h]').textContent();
    const c = await api('/api/campaigns/CMP1001');
    if (!text.includes('Campaign entries') || !text.includes(String(c.statistics.no_of_interactions))) {
      throw new Error(text);
    }
    await snap('campaign-card');
  });

  await step('create an interaction from a salesperson card', async () => {
    await page.goto(base + '/#/salespersons/AH');
    await page.getByRole('heading', { name: /AH/ }).waitFor();
    await page.locator('#create-interaction').click();
    const dlg = page.locator('dialog[open]');
    await dlg.getByLabel('Contact').fill('CT000003');
    await dlg.getByLabel('Contact').press('Tab');
    await pick(dlg, 'Template', 'OUTGOING');
    await dlg.getByRole('button', { name: 'OK' }).click();
    await status().filter({ hasText: 'created' }).waitFor();
    const n = Number((await status().textContent()).match(/\d+/)[0]);
    const e = await api(`/api/interactions/${n}`);
    if (e.salesperson_code !== 'AH' || e.contact_no !== 'CT000003') throw new Error(JSON.stringify(e));
  });

  await step('each picker\'s screen-reader help names what that picker finds its records by', async () => {
    await page.goto(base + '/#/contacts/CT000001');
    await page.getByRole('heading', { name: /CT000001/ }).waitFor();
    await page.locator('#create-interaction').click();
    const dlg = page.locator('dialog[open]');
    await dlg.getByRole('combobox', { name: 'Template' }).waitFor();
    const helps = await dlg.locator('input.picker-input').evaluateAll((els) => els.map((el) =>
      [el.dataset.kind, document.getElementById(el.getAttribute('aria-describedby')).textContent]));
    const want = { contact: /^Type a name, number, e-mail or city;/, company: /^Type a name, number, e-mail or city;/,
      salesperson: /^Type a code, name or e-mail;/, template: /^Type a code or description;/,
      campaign: /^Type a number or description;/ };
    const kinds = helps.map(([k]) => k);
    if (!kinds.includes('template') || !kinds.includes('salesperson')) throw new Error(kinds.join(','));
    const wrong = helps.filter(([k, text]) => !want[k] || !want[k].test(text));
    if (wrong.length) throw new Error(JSON.stringify(wrong));
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('dialog[open]'));
  });

  await step('the contact picker finds Kari by name and fills her number (keyboard, ARIA combobox)', async () => {
    await page.goto(base + '/#/salespersons/AH');
    await page.getByRole('heading', { name: /AH/ }).waitFor();
    await page.locator('#create-interaction').click();
    const dlg = page.locator('dialog[open]');
    const input = dlg.getByRole('combobox', { name: 'Contact' });
    await input.pressSequentially('kari', { delay: 30 });
    const list = dlg.getByRole('listbox');
    await list.getByRole('option', { name: /Kari Nordmann/ }).waitFor();
    if ((await input.getAttribute('aria-expanded')) !== 'true') throw new Error('aria-expanded is not true');
    await snap('picker');
    await input.press('ArrowDown');
    await input.press('ArrowUp');
    await input.press('Enter');
    const v = await input.inputValue();
    if (v !== 'CT000007') throw new Error(`picked ${v}`);
    if ((await input.getAttribute('aria-expanded')) !== 'false') throw new Error('the list stays open');
    await dlg.locator('.picked-name', { hasText: 'Kari Nordmann' }).waitFor();
    // The dialog is still open (Enter chose, it did not submit).
    await pick(dlg, 'Template', 'OUTGOING');
    // Escape closes the list only, not the dialog.
    await input.fill('');
    await input.pressSequentially('oslo', { delay: 30 });
    await list.getByRole('option', { name: /Ola Hansen/ }).waitFor();
    await input.press('Escape');
    await list.waitFor({ state: 'hidden' });
    if (!(await dlg.isVisible())) throw new Error('Escape closed the dialog');
    // A whole name typed and the field left: the highlighted record is taken.
    await input.fill('');
    await input.pressSequentially('Kari Nordmann', { delay: 20 });
    await list.getByRole('option', { name: /Kari Nordmann/ }).waitFor();
    await input.press('Tab');
    if ((await input.inputValue()) !== 'CT000007') throw new Error(`Tab kept ${await input.inputValue()}`);
    await page.evaluate(() => { document.getElementById('status').textContent = ''; });
    await dlg.getByRole('button', { name: 'OK' }).click();
    await status().filter({ hasText: 'created' }).waitFor();
    const n = Number((await status().textContent()).match(/\d+/)[0]);
    const e = await api(`/api/interactions/${n}`);
    if (e.contact_no !== 'CT000007' || e.salesperson_code !== 'AH') throw new Error(JSON.stringify(e));
  });

  let seg = '';
  const lineCount = async () => (await api(`/api/segments/${seg}`)).no_of_lines;
  await step('build a segment: new, header template, add by criteria', async () => {
    // A new segment takes the signed-in user's account salesperson.
    cli(['user', 'update', 'ann', '--salesperson-code', 'BD']);
    await page.goto(base + '/#/segments');
    await page.getByLabel('Description').fill('Spring mailing');
    await page.getByRole('button', { name: 'New segment' }).click();
    await page.getByRole('heading', { name: /Segment SEG/ }).waitFor();
    seg = (await page.getByRole('heading', { name: /Segment SEG/ }).textContent()).split(' ').pop();
    const header = page.locator('#segment-header');
    const sp = await header.getByLabel('Salesperson').inputValue();
    cli(['user', 'update', 'ann', '--salesperson-code', '']);
    if (sp !== 'BD' || (await api(`/api/segments/${seg}`)).salesperson_code !== 'BD') {
      throw new Error(`header salesperson ${sp}`);
    }
    await pick(header, 'Template', 'ABSTRACT');
    await header.getByRole('button', { name: 'Save' }).click();
    await status().filter({ hasText: `Segment ${seg} saved.` }).waitFor();
    const crit = page.locator('#criteria');
    await crit.locator('.f-field').first().selectOption('country_code');
    await crit.locator('.f-value').first().fill('GB');
    await crit.getByRole('button', { name: 'Run' }).click();
    await status().filter({ hasText: 'lines added' }).waitFor();
    if ((await lineCount()) < 3) throw new Error(`only ${await lineCount()} lines`);
    await snap('segment-added');
  });

  await step('refine the segment and undo the refine', async () => {
    const before = await lineCount();
    const crit = page.locator('#criteria');
    await crit.getByLabel('Action').selectOption('refine');
    await crit.locator('.f-field').first().selectOption('type');
    await crit.locator('.f-value').first().fill('company');
    await crit.getByRole('button', { name: 'Run' }).click();
    await status().filter({ hasText: 'lines removed' }).waitFor();
    const refined = await lineCount();
    if (!(refined < before)) throw new Error(`refine kept ${refined} of ${before}`);
    await snap('segment-refined');
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.waitForFunction(async ([s, n]) =>
      (await (await fetch(`/api/segments/${s}`)).json()).no_of_lines === n, [seg, before]);
    await page.locator('#steps li.undone').waitFor();
    await snap('segment-undone');
  });

  await step('steps read as sentences; save the criteria and reuse them', async () => {
    const first = await page.locator('#steps li').first().textContent();
    if (!/^Add contacts: Country equals GB/.test(first)) throw new Error(first);
    const save = page.locator('#save-criteria');
    await save.getByLabel('Criteria code').fill('gbmail');
    await save.getByLabel('Description').fill('British contacts');
    await save.getByRole('button', { name: 'Save criteria' }).click();
    await status().filter({ hasText: 'Criteria GBMAIL saved.' }).waitFor();
    const stepsBefore = (await api(`/api/segments/${seg}`)).no_of_criteria_actions;
    const reuse = page.locator('#reuse-criteria');
    await reuse.getByLabel('Criteria code').fill('GBMAIL');
    await reuse.getByRole('button', { name: 'Reuse criteria' }).click();
    await page.waitForFunction(async ([s, n]) =>
      (await (await fetch(`/api/segments/${s}`)).json()).no_of_criteria_actions > n, [seg, stepsBefore]);
    await snap('criteria-reused');
  });

  await step('personalise a line with its own template', async () => {
    const first = page.locator('select.line-template').first();
    await first.waitFor();
    const lineNo = await first.getAttribute('data-line');
    await first.selectOption('COVERLTR');
    await status().filter({ hasText: `Line ${lineNo} saved.` }).waitFor();
    const l = await api(`/api/segments/${seg}/lines/${lineNo}`);
    if (!l.personalised || l.interaction_template_code !== 'COVERLTR') throw new Error(JSON.stringify(l));
    await page.locator('td', { hasText: 'Personalised' }).first().waitFor();
    await snap('segment-personalised');
  });

  await step('a typed line description stays when the line template changes', async () => {
    const desc = page.locator('input.line-description').first();
    const lineNo = await desc.getAttribute('data-line');
    await desc.fill('Our own letter');
    await desc.press('Tab');
    await status().filter({ hasText: `Line ${lineNo} saved.` }).waitFor();
    await page.locator(`select.line-template[data-line="${lineNo}"]`).selectOption('OUTGOING');
    await page.waitForFunction(async ([s, n]) => {
      const l = await (await fetch(`/api/segments/${s}/lines/${n}`)).json();
      return l.interaction_template_code === 'OUTGOING';
    }, [seg, lineNo]);
    const l = await api(`/api/segments/${seg}/lines/${lineNo}`);
    if (l.description !== 'Our own letter' || !l.description_typed) throw new Error(JSON.stringify(l));
  });

  await step('removing a line by hand is a step that undo reverts', async () => {
    const before = await api(`/api/segments/${seg}`);
    const row = page.locator('tr', { has: page.locator('select.line-template') }).first();
    await row.getByRole('button', { name: 'Remove line' }).click();
    await page.waitForFunction(async ([s, n]) =>
      (await (await fetch(`/api/segments/${s}`)).json()).no_of_lines === n - 1, [seg, before.no_of_lines]);
    const after = await api(`/api/segments/${seg}`);
    if (after.no_of_criteria_actions !== before.no_of_criteria_actions + 1) throw new Error(JSON.stringify(after));
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.waitForFunction(async ([s, n]) =>
      (await (await fetch(`/api/segments/${s}`)).json()).no_of_lines === n, [seg, before.no_of_lines]);
  });

  await step('reduce with entire companies; the options follow the action', async () => {
    const crit = page.locator('#criteria');
    await crit.getByLabel('Action').selectOption('add');
    if (!(await crit.getByLabel('Expand companies').isVisible())) throw new Error('add options hidden');
    if (await crit.getByLabel('Entire companies').isVisible()) throw new Error('entire companies on add');
    await crit.getByLabel('Action').selectOption('reduce');
    if (await crit.getByLabel('Allow related companies').isVisible()) throw new Error('add options on reduce');
    const lines = async () => (await api(`/api/segments/${seg}/lines?limit=500`)).items.map((l) => l.contact_no);
    const had = await lines();
    if (!had.includes('CT000005')) throw new Error(`no CT000005 in ${had}`);
    await crit.locator('.f-field').first().selectOption('no');
    await crit.locator('.f-op').first().selectOption('=');
    await crit.locator('.f-value').first().fill('ct000005');
    await crit.getByLabel('Entire companies').check();
    await crit.getByRole('button', { name: 'Run' }).click();
    await status().filter({ hasText: 'lines removed' }).waitFor();
    const left = await lines();
    for (const c of ['CT000001', 'CT000005', 'CT000006']) {
      if (left.includes(c)) throw new Error(`${c} still in ${left}`);
    }
    await page.locator('#steps li', { hasText: 'Entire companies' }).last().waitFor();
    await snap('segment-entire-companies');
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.waitForFunction(async ([s, n]) =>
      (await (await fetch(`/api/segments/${s}`)).json()).no_of_lines === n, [seg, had.length]);
    await crit.getByLabel('Entire companies').uncheck();
    await crit.getByLabel('Action').selectOption('add');
  });

  await step('criteria on the contacts\' interaction log entries stand in their own group and steps say so', async () => {
    const other = await page.evaluate(async () => {
      const me = await (await fetch('/api/me')).json();
      return (await (await fetch('/api/segments', { method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
        body: JSON.stringify({ description: 'Called by Jim' }) })).json()).no;
    });
    await page.goto(base + `/#/segments/${other}`);
    const group = page.getByRole('group', { name: 'Has an interaction log entry with' });
    await group.getByLabel('Salesperson').selectOption('JO');
    await page.locator('#criteria').getByRole('button', { name: 'Run' }).click();
    await status().filter({ hasText: 'added' }).waitFor();
    const text = await page.locator('#steps li').last().textContent();
    if (text !== 'Add contacts: has an interaction log entry with Salesperson equals JO') throw new Error(text);
    await page.goto(base + `/#/segments/${seg}`);
    await page.getByRole('heading', { name: `Segment ${seg}` }).waitFor();
  });

  let logged = 0;
  await step('log the segment with a follow-up segment', async () => {
    const n = await lineCount();
    await page.getByRole('button', { name: 'Log', exact: true }).click();
    const dlg = page.locator('dialog[open]');
    await dlg.getByLabel('Create follow-up segment').check();
    // Deliver says what it does per correspondence type: only e-mail leaves by itself.
    const deliverBox = dlg.getByLabel('Deliver: send e-mails, print letters');
    const help = await dlg.locator(`#${await deliverBox.getAttribute('aria-describedby')}`).textContent();
    if (!/E-mail entries go to the outbox and are sent/.test(help) || !/Paper letters wait until you print them/.test(help) ||
        !/relm does not send faxes: fax entries are logged as failed/.test(help)) throw new Error(help);
    await snap('log-dialog');
    await dlg.getByRole('button', { name: 'OK' }).click();
    // The segment is gone: the page moves on to the logged segment with its entries.
    await page.locator('#log-result').filter({ hasText: 'Logged as entry' }).waitFor();
    await page.waitForFunction(() => /^#\/logged-segments\/\d+$/.test(location.hash));
    if (await page.locator('dialog[open]').count()) throw new Error('the log dialog stays open');
    if (await page.locator('#segment-header').count()) throw new Error('the segment stays editable');
    const text = await page.locator('#log-result').textContent();
    logged = Number(text.match(/entry (\d+)/)[1]);
    const ls = await api(`/api/logged-segments/${logged}`);
    if (ls.no_of_interactions !== n || ls.user_id !== 'ann') throw new Error(JSON.stringify(ls));
    if (!/Follow-up segment SEG\d+ created/.test(text)) throw new Error(text);
    await page.getByRole('heading', { name: `Logged segment ${logged}` }).waitFor();
    await page.locator('table').filter({ hasText: 'Abstract letter' }).locator('tbody tr').nth(n - 1).waitFor();
    await snap('logged');
  });

  await step('the logged segment shows delivery counts and failures, and retries them', async () => {
    const sql = (q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();
    const first = Number(sql(`SELECT min(entry_no) FROM interaction_log_entry WHERE logged_segment_entry_no = ${logged}`));
    sql(`UPDATE interaction_log_entry SET correspondence_type = 'email', delivery_status = 'error', delivery_error = '550 mailbox unavailable' WHERE entry_no = ${first}`);
    await page.goto(base + '/#/logged-segments');
    const box = page.locator(`.delivery[data-entry="${logged}"]`);
    await box.locator('.delivery-counts').filter({ hasText: 'failed 1' }).waitFor();
    await box.locator('.delivery-failures li', { hasText: '550 mailbox unavailable' }).waitFor();
    await snap('logged-delivery');
    await box.getByRole('button', { name: 'Retry failed' }).click();
    await status().filter({ hasText: '1 entry back in the outbox' }).waitFor();
    const d = await api(`/api/logged-segments/${logged}/delivery`);
    if (d.failed !== 0 || d.waiting !== 1) throw new Error(JSON.stringify(d));
    if (sql(`SELECT delivery_status FROM interaction_log_entry WHERE entry_no = ${first}`) !== 'in_progress') throw new Error('not requeued');
    await box.locator('.delivery-counts').filter({ hasText: 'failed 0' }).waitFor();
  });

  await step('the home page shows the e-mail outbox', async () => {
    const waiting = (await api('/api/interactions?status=outbox')).items;
    if (!waiting.length) throw new Error('nothing in the outbox');
    await page.goto(base + '/#/home');
    const box = page.locator('table', { has: page.locator('caption', { hasText: 'Outbox' }) });
    await box.locator('tbody tr', { hasText: 'Waiting' }).filter({ hasText: String(waiting[0].entry_no) }).waitFor();
    await snap('home-outbox');
  });

  await step('letters waiting on a logged segment are printed to PDF from the web UI, which delivers them; faxes fail saying why', async () => {
    const sql = (q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();
    cli(['template', 'attachment', 'set', 'COVERLTR', '--text', 'Dear {{contact.name}}']);
    const segNo = JSON.parse(cli(['segment', 'create', '--description', 'Letters', '--interaction-template-code', 'coverltr', '--json'])).no;
    for (const c of ['CT000009', 'CT000005', 'CT000007']) cli(['segment', 'add', segNo, '--contact', c]);
    sql("UPDATE contact SET fax_no = '+47 22 00 00 00' WHERE no = 'CT000007'");
    cli(['segment', 'line', 'set', segNo, '30000', '--correspondence-type', 'fax']);
    const ls = JSON.parse(cli(['segment', 'log', segNo, '--deliver', '--json'])).logged_segment_entry_no;
    const before = await api(`/api/logged-segments/${ls}/delivery`);
    if (before.letters !== 2 || before.waiting !== 2 || before.failed !== 1) throw new Error(JSON.stringify(before));
    await page.goto(base + `/#/logged-segments/${ls}`);
    const box = page.locator(`.delivery[data-entry="${ls}"]`);
    await box.locator('.letters-waiting').filter({ hasText: '2 letters to print' }).waitFor();
    await box.locator('.delivery-failures li', { hasText: 'relm does not send faxes' }).waitFor();
    await snap('logged-letters-waiting');
    // The home page's outbox says where a waiting letter is printed from, not just "Waiting".
    const firstPage = (await api('/api/interactions?status=outbox&limit=5')).items;
    const letter = firstPage.find((e) => e.correspondence_type === 'hard_copy' && e.delivery_status === 'in_progress');
    if (!letter) throw new Error(`no letter on the outbox's first page: ${JSON.stringify(firstPage.map((e) => e.entry_no))}`);
    await page.goto(base + '/#/home');
    const outbox = page.locator('table', { has: page.locator('caption', { hasText: 'Outbox' }) });
    const row = outbox.locator('tbody tr').filter({ has: page.getByRole('link', { name: String(letter.entry_no), exact: true }) });
    await row.locator('.to-print').filter({ hasText: `Waiting to be printed from Logged segment ${ls}` }).waitFor();
    await row.getByRole('link', { name: `Logged segment ${ls}` }).click();
    await page.waitForFunction((n) => location.hash === `#/logged-segments/${n}`, ls);
    const [download] = await Promise.all([page.waitForEvent('download'),
      box.getByRole('button', { name: 'Print letters (PDF)' }).click()]);
    const pdf = readFileSync(await download.path());
    if (pdf.subarray(0, 4).toString() !== '%PDF') throw new Error(`not a PDF: ${pdf.subarray(0, 16)}`);
    if (download.suggestedFilename() !== `letters-${ls}.pdf`) throw new Error(download.suggestedFilename());
    await status().filter({ hasText: `Letters of logged segment ${ls} printed to PDF` }).waitFor();
    await page.locator(`.delivery[data-entry="${ls}"] .delivery-counts`).filter({ hasText: 'sent 2 · waiting 0 · failed 1' }).waitFor();
    if (await page.locator(`.delivery[data-entry="${ls}"] button.print-letters`).count()) throw new Error('still offers printing');
    const after = await api(`/api/logged-segments/${ls}/delivery`);
    if (after.letters !== 0 || after.sent !== 2) throw new Error(JSON.stringify(after));
    if (sql(`SELECT count(*) FROM interaction_log_entry WHERE logged_segment_entry_no = ${ls} AND correspondence_type = 'hard_copy' AND delivery_status = '' AND delivered_at <> ''`) !== '2') throw new Error('letters not delivered');
  });

  await step('cancel the logged segment', async () => {
    await page.goto(base + '/#/logged-segments');
    const before = await api(`/api/logged-segments/${logged}`);
    await page.locator(`button.cancel-logged[data-entry="${logged}"]`).click();
    const dlg = page.locator('dialog[open]');
    await dlg.filter({ hasText: `Its ${before.no_of_interactions} interaction log entries are canceled too.` }).waitFor();
    await snap('logged-cancel-confirm');
    await dlg.getByRole('button', { name: 'Cancel', exact: true }).click();
    await status().filter({ hasText: `Logged segment ${logged} canceled with ${before.no_of_interactions} interaction log entries.` }).waitFor();
    await page.locator('td', { hasText: 'Canceled' }).first().waitFor();
    const ls = await api(`/api/logged-segments/${logged}`);
    if (!ls.canceled) throw new Error(JSON.stringify(ls));
    await snap('logged-canceled');
  });

  await step('a logged segment\'s card names its status: Logged, or Canceled once canceled', async () => {
    const active = (await api('/api/logged-segments')).items.find((l) => !l.canceled);
    await page.goto(base + `/#/logged-segments/${active.entry_no}`);
    await page.locator('dd.logged-status').filter({ hasText: /^Logged$/ }).waitFor();
    await page.goto(base + `/#/logged-segments/${logged}`);
    await page.locator('dd.logged-status').filter({ hasText: /^Canceled$/ }).waitFor();
    await page.goto(base + '/#/logged-segments');
  });

  await step('reuse the logged segment as a new segment', async () => {
    await page.locator(`button.reuse-logged[data-entry="${logged}"]`).click();
    await page.getByRole('heading', { name: /Segment SEG/ }).waitFor();
  });

  await step('a canceled logged segment says Undo cancel and is deleted after a confirmation', async () => {
    await page.goto(base + '/#/logged-segments');
    const undo = page.locator(`button.cancel-logged[data-entry="${logged}"]`);
    await undo.filter({ hasText: 'Undo cancel' }).waitFor();
    const ls = await api(`/api/logged-segments/${logged}`);
    await page.locator(`button.delete-logged[data-entry="${logged}"]`).click();
    const dlg = page.locator('dialog[open]');
    await dlg.filter({ hasText: `${ls.no_of_interactions} interaction log entries stay` }).waitFor();
    await snap('logged-delete-confirm');
    await dlg.getByRole('button', { name: 'Delete' }).click();
    await status().filter({ hasText: `Logged segment ${logged} deleted` }).waitFor();
    const gone = await page.evaluate(async (u) => (await fetch(u)).status, `/api/logged-segments/${logged}`);
    if (gone !== 404) throw new Error(`GET after delete: ${gone}`);
    const kept = await api(`/api/interactions?segment_no=${seg}&status=all&limit=500`);
    if (!kept.items || kept.items.length !== ls.no_of_interactions ||
        kept.items.some((e) => e.logged_segment_entry_no !== 0)) throw new Error(JSON.stringify(kept).slice(0, 400));
    await page.locator(`button.delete-logged[data-entry="${logged}"]`).waitFor({ state: 'detached' });
  });

  await step('a campaign entry is canceled, undone and deleted from the campaign card', async () => {
    const no = cli(['segment', 'create', '--description', 'Campaign mailing', '--campaign-no',
      'CMP1001', '--interaction-template-code', 'ABSTRACT', '--json']);
    const cseg = JSON.parse(no).no;
    cli(['segment', 'add', cseg, '--contact', 'CT000009']);
    cli(['segment', 'log', cseg]);
    const entry = (await api('/api/campaigns/CMP1001/entries')).items.find((e) => e.segment_no === cseg);
    await page.goto(base + '/#/campaigns/CMP1001');
    const cancel = page.locator(`button.cancel-campaign-entry[data-entry="${entry.entry_no}"]`);
    await cancel.filter({ hasText: /^Cancel$/ }).click();
    await page.locator('dialog[open]').getByRole('button', { name: 'Cancel', exact: true }).click();
    await status().filter({ hasText: `Campaign entry ${entry.entry_no} canceled.` }).waitFor();
    await cancel.filter({ hasText: 'Undo cancel' }).waitFor();
    const canceled = await api(`/api/interactions?segment_no=${cseg}&status=all`);
    if (!canceled.items.length || !canceled.items.every((e) => e.canceled)) throw new Error(JSON.stringify(canceled));
    await snap('campaign-entry-canceled');
    await cancel.click();
    await cancel.filter({ hasText: /^Cancel$/ }).waitFor();
    if ((await api(`/api/campaign-entries/${entry.entry_no}`)).canceled) throw new Error('still canceled');
    await cancel.click();
    await page.locator('dialog[open]').getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.locator(`button.delete-campaign-entry[data-entry="${entry.entry_no}"]`).click();
    const dlg = page.locator('dialog[open]');
    await dlg.filter({ hasText: 'deleted with it' }).waitFor();
    await dlg.getByRole('button', { name: 'Delete' }).click();
    await status().filter({ hasText: `Campaign entry ${entry.entry_no} deleted with 1 interaction log entries` }).waitFor();
    const left = await api(`/api/interactions?segment_no=${cseg}&status=all`);
    if (left.items.length !== 0) throw new Error(JSON.stringify(left));
  });

  await step('deleting a campaign from its card keeps its interactions', async () => {
    const cmp = JSON.parse(cli(['campaign', 'add', '--description', 'Short-lived', '--json'])).no;
    const cseg = JSON.parse(cli(['segment', 'create', '--description', 'Short mailing',
      '--campaign-no', cmp, '--interaction-template-code', 'ABSTRACT', '--json'])).no;
    cli(['segment', 'add', cseg, '--contact', 'CT000009']);
    cli(['segment', 'log', cseg]);
    await page.goto(base + `/#/campaigns/${cmp}`);
    await page.locator('button.cancel-campaign-entry').first().waitFor();
    await page.getByRole('button', { name: 'Delete campaign' }).click();
    const dlg = page.locator('dialog[open]');
    await dlg.filter({ hasText: 'interaction log entries stay' }).waitFor();
    await dlg.getByRole('button', { name: 'Delete campaign' }).click();
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
    await status().filter({ hasText: `Campaign ${cmp} deleted.` }).waitFor();
    const st = await page.evaluate(async (u) => (await fetch(u)).status, `/api/campaigns/${cmp}`);
    if (st !== 404) throw new Error(`GET after delete: ${st}`);
    const kept = await api(`/api/interactions?segment_no=${cseg}&status=all`);
    if (kept.items.length !== 1 || kept.items[0].campaign_no !== cmp || kept.items[0].campaign_entry_no !== 0) {
      throw new Error(JSON.stringify(kept));
    }
  });

  await step('a company is deleted with its persons from its card, after a confirmation', async () => {
    const co = JSON.parse(cli(['contact', 'add', '--name', 'Delete Me AS', '--json'])).no;
    const pe = JSON.parse(cli(['contact', 'add', '--type', 'person', '--name', 'Del Person',
      '--company-no', co, '--json'])).no;
    await page.goto(base + `/#/contacts/${co}`);
    await page.getByRole('button', { name: 'Delete contact' }).click();
    let dlg = page.locator('dialog[open]');
    await dlg.filter({ hasText: 'detached from it' }).waitFor();
    await dlg.getByRole('button', { name: 'Delete contact' }).click();
    await status().filter({ hasText: 'with_persons' }).waitFor();
    await page.getByLabel('Delete its persons too').check();
    await page.getByRole('button', { name: 'Delete contact' }).click();
    dlg = page.locator('dialog[open]');
    await dlg.filter({ hasText: 'This deletes 2 contacts. Its persons are deleted too' }).waitFor();
    await snap('contact-delete-confirm');
    await dlg.getByRole('button', { name: 'Delete contact' }).click();
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    await status().filter({ hasText: `Contact Delete Me AS (${co}) deleted.` }).waitFor();
    for (const n of [co, pe]) {
      const st = await page.evaluate(async (u) => (await fetch(u)).status, `/api/contacts/${n}`);
      if (st !== 404) throw new Error(`${n}: ${st}`);
    }
  });

  await step('the contact search finds name, e-mail or city in any case', async () => {
    await page.goto(base + '/#/contacts');
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    await page.locator('#contact-search').fill('KONTORMØBLER');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('td', { hasText: 'Nordlys Kontormøbler AS' }).first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 1);
    await page.locator('#contact-search').fill('INFO@CARDOXY');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('td', { hasText: 'Cronus Cardoxy Procurement' }).first().waitFor();
    await snap('contact-search');
  });

  await step('an admin erases a person from its card after a confirmation; the entries stay', async () => {
    const pe = JSON.parse(cli(['contact', 'add', '--type', 'person', '--first-name', 'Quintessa',
      '--surname', 'Zyborowski', '--email', 'q.z@private.example', '--salesperson-code', 'AH',
      '--json'])).no;
    cli(['interaction', 'create', '--contact', pe, '--template', 'OUTGOING', '--subject', 'Zybor call']);
    await page.goto(base + `/#/contacts/${pe}`);
    await page.getByRole('heading', { name: `Quintessa Zyborowski ${pe}` }).waitFor();
    await page.getByRole('button', { name: 'Erase personal data' }).click();
    let dlg = page.locator('dialog[open]');
    await dlg.filter({ hasText: 'cannot be undone' }).waitFor();
    await dlg.getByRole('button', { name: 'No' }).click();
    let c = await api(`/api/contacts/${pe}`);
    if (c.name !== 'Quintessa Zyborowski') throw new Error(`answering No changed ${c.name}`);
    await page.getByRole('button', { name: 'Erase personal data' }).click();
    dlg = page.locator('dialog[open]');
    await snap('contact-erase-confirm');
    await dlg.getByRole('button', { name: 'Yes' }).click();
    await page.getByRole('heading', { name: `Erased contact ${pe}` }).waitFor();
    c = await api(`/api/contacts/${pe}`);
    if (c.email !== '' || !c.privacy_blocked) throw new Error(JSON.stringify(c));
    if (c.statistics.no_of_interactions !== 1) throw new Error('the entry should stay');
  });

  await step('a contact is created with its company picked by name, and edited', async () => {
    await page.goto(base + '/#/contacts');
    await page.getByRole('button', { name: 'New contact' }).click();
    const dlg = page.locator('dialog[open]');
    await dlg.getByLabel('Type', { exact: true }).selectOption('person');
    const company = dlg.getByRole('combobox', { name: 'Company' });
    await company.pressSequentially('nordlys', { delay: 30 });
    await dlg.getByRole('option', { name: /Nordlys Kontormøbler AS/ }).click();
    if ((await company.inputValue()) !== 'CT000002') throw new Error(await company.inputValue());
    await dlg.getByLabel('First name').fill('Per');
    await dlg.getByLabel('Surname').fill('Testesen');
    await dlg.getByLabel('E-mail').fill('not an address');
    await dlg.getByRole('button', { name: 'Create contact' }).click();
    const emailField = dlg.locator('.field', { has: page.locator('[name=email]') });
    await emailField.locator('.field-error').waitFor();
    await snap('contact-form-error');
    await dlg.getByLabel('E-mail').fill('per@nordlys.example');
    await dlg.getByRole('button', { name: 'Create contact' }).click();
    await page.getByRole('heading', { name: /Per Testesen/ }).waitFor();
    const no = (await page.locator('main h1 .code').textContent()).trim();
    const c = await api(`/api/contacts/${no}`);
    if (c.company_no !== 'CT000002' || c.email !== 'per@nordlys.example' || c.type !== 'person') {
      throw new Error(JSON.stringify(c));
    }
    await page.getByRole('button', { name: 'Edit contact' }).click();
    await page.locator('dialog[open]').getByLabel('City').fill('Bergen');
    await page.locator('dialog[open]').getByRole('button', { name: 'Save contact' }).click();
    await status().filter({ hasText: `Contact Per Testesen (${no}) saved.` }).waitFor();
    if ((await api(`/api/contacts/${no}`)).city !== 'Bergen') throw new Error('city not saved');
    await page.locator('dl.facts', { hasText: 'Bergen' }).waitFor();
  });

  await step('the interaction log filters by contact picked by name and by status', async () => {
    await page.goto(base + '/#/interactions');
    const f = page.locator('#log-filter');
    await f.getByRole('combobox', { name: 'Contact' }).pressSequentially('kari', { delay: 30 });
    await f.getByRole('option', { name: /Kari Nordmann/ }).waitFor();
    await f.getByRole('combobox', { name: 'Contact' }).press('Enter');
    await f.getByRole('button', { name: 'Show' }).click();
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('.paged tbody tr')];
      return rows.length > 0 && rows.every((r) => r.textContent.includes('CT000007'));
    });
    await snap('log-filtered');
    // A name typed but not chosen is said to be no contact, next to the field.
    const shown = await page.locator('.paged tbody tr').count();
    const contact = f.getByRole('combobox', { name: 'Contact' });
    await contact.fill('');
    await contact.pressSequentially('zzz', { delay: 10 });
    await f.getByRole('button', { name: 'Show' }).click();
    await f.locator('.field-error', { hasText: 'Contact: “zzz” does not exist. Choose from the list.' }).waitFor();
    if ((await page.locator('.paged tbody tr').count()) !== shown) throw new Error('the log changed');
    await f.getByRole('button', { name: 'Clear filters' }).click();
    if (await f.locator('.field-error').count()) throw new Error('the error stays after Clear filters');
    await page.waitForFunction(() => [...document.querySelectorAll('.paged tbody tr')]
      .some((r) => !r.textContent.includes('CT000007')));
  });

  await step('a canceled entry: not among the recent ones at home; the log\'s Active leaves it out, Canceled shows only such', async () => {
    const no = await page.evaluate(async () => {
      const me = await (await fetch('/api/me')).json();
      const post = async (u, b) => (await fetch(u, { method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
        body: JSON.stringify(b) })).json();
      const e = await post('/api/interactions', { contact_no: 'CT000002',
        interaction_template_code: 'OUTGOING', subject: 'Canceled at once' });
      await post('/api/interactions/cancel', { entry_nos: [e.entry_no] });
      return e.entry_no;
    });
    // The home page's recent interactions are the ones that happened: not a canceled one.
    await page.goto(base + '/#/contacts');
    await page.goto(base + '/#/home');
    const recent = page.locator('table', { hasText: 'Recent interactions' });
    await recent.locator('tbody tr td[data-label="Contact"]').first().waitFor();
    if (/Canceled at once/.test(await recent.textContent())) throw new Error('a canceled entry is recent');
    await page.goto(base + '/#/interactions');
    const f = page.locator('#log-filter');
    const shown = () => page.evaluate(() => [...document.querySelectorAll('.paged tbody tr')]
      .map((r) => ({ no: Number((r.querySelector('a[href^="#/interactions/"]') || {}).textContent),
        canceled: (r.querySelector('td[data-label="Canceled"]') || {}).textContent === 'Canceled' }))
      .filter((r) => r.no));
    await page.locator(`a[href="#/interactions/${no}"]`).waitFor();
    await f.getByLabel('Status').selectOption({ label: 'Active' });
    await f.getByRole('button', { name: 'Show' }).click();
    await page.waitForFunction((n) => !document.querySelector(`a[href="#/interactions/${n}"]`)
      && document.querySelectorAll('.paged tbody tr a[href^="#/interactions/"]').length > 0, no);
    const active = await shown();
    if (active.some((r) => r.canceled)) throw new Error(`Active shows canceled: ${JSON.stringify(active)}`);
    await f.getByLabel('Status').selectOption({ label: 'Canceled' });
    await f.getByRole('button', { name: 'Show' }).click();
    await page.locator(`a[href="#/interactions/${no}"]`).waitFor();
    const canceled = await shown();
    if (!canceled.every((r) => r.canceled)) throw new Error(`Canceled shows active: ${JSON.stringify(canceled)}`);
    await f.getByRole('button', { name: 'Clear filters' }).click();
    await page.evaluate(async (n) => {
      const me = await (await fetch('/api/me')).json();
      await fetch('/api/interactions/cancel', { method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
        body: JSON.stringify({ entry_nos: [n] }) });
    }, no);
  });

  // The entry numbers shown in the log's table, in their order.
  const logRows = () => page.evaluate(() => [...document.querySelectorAll('.paged tbody tr')]
    .map((r) => Number((r.querySelector('a[href^="#/interactions/"]') || {}).textContent)).filter(Boolean));
  const apiRows = async (q) => (await api(`/api/interactions?status=all&limit=25&${q}`)).items.map((e) => e.entry_no);
  const rowsAre = async (want) => {
    await page.waitForFunction((w) => {
      const got = [...document.querySelectorAll('.paged tbody tr')]
        .map((r) => Number((r.querySelector('a[href^="#/interactions/"]') || {}).textContent)).filter(Boolean);
      return got.join() === w.join();
    }, want, { timeout: 5000 }).catch(async () => {
      throw new Error(`rows ${(await logRows()).join()} instead of ${want.join()}`);
    });
  };

  await step('the interaction log sorts by clicking a column header, with the keyboard too, and pages in that order', async () => {
    await page.goto(base + '/#/home');
    await page.goto(base + '/#/interactions');
    await page.locator('.paged tbody tr').first().waitFor();
    const costHeader = page.locator('th', { has: page.locator('button.sort[data-sort=cost]') });
    if ((await costHeader.getAttribute('aria-sort')) !== 'none') throw new Error('cost sorted before a click');
    await costHeader.getByRole('button').click();
    await rowsAre(await apiRows('sort=cost:desc'));
    if ((await costHeader.getAttribute('aria-sort')) !== 'descending') throw new Error('aria-sort is not descending');
    // The button keeps the focus: Enter reverses the order.
    await page.keyboard.press('Enter');
    await rowsAre(await apiRows('sort=cost'));
    if ((await costHeader.getAttribute('aria-sort')) !== 'ascending') throw new Error('aria-sort is not ascending');
    await snap('log-sorted-by-cost');
    // By the contact's name, and the next page follows the same order.
    await page.locator('button.sort[data-sort=contact_name]').click();
    const first = await api('/api/interactions?status=all&limit=25&sort=contact_name');
    await rowsAre(first.items.map((e) => e.entry_no));
    if (first.next_cursor) {
      await page.getByRole('button', { name: 'Next page' }).click();
      const second = await api(`/api/interactions?status=all&limit=25&sort=contact_name&after=${encodeURIComponent(first.next_cursor)}`);
      await rowsAre(second.items.map((e) => e.entry_no));
    }
    // A filter keeps the order; the search box finds by the contact's name.
    const f = page.locator('#log-filter');
    await f.getByLabel(/^Search/).fill('nordmann');
    await f.getByRole('button', { name: 'Show' }).click();
    await rowsAre(await apiRows('sort=contact_name&q=nordmann'));
    const th = page.locator('th', { has: page.locator('button.sort[data-sort=contact_name]') });
    if ((await th.getAttribute('aria-sort')) !== 'ascending') throw new Error('the filter lost the sort');
    await f.getByRole('button', { name: 'Clear filters' }).click();
  });

  await step('a slow sort that answers after a newer one does not replace it; the table says it is loading', async () => {
    await page.goto(base + '/#/home');
    await page.goto(base + '/#/interactions');
    await page.locator('.paged tbody tr').first().waitFor();
    // The cost sort answers late, as a sort of a long log does.
    let release;
    const held = new Promise((r) => { release = r; });
    const slow = async (route) => {
      await held;
      await route.continue();
    };
    await page.route(/\/api\/interactions\?.*sort=cost/, slow);
    try {
      await page.locator('button.sort[data-sort=cost]').click();
      // A page that takes a while says so above the rows.
      await page.locator('.paged[aria-busy=true] p.waiting', { hasText: 'Loading…' }).waitFor();
      await page.locator('button.sort[data-sort=entry_no]').click();
      const want = await apiRows('sort=entry_no:desc');
      await rowsAre(want);
      if (await page.locator('.paged p.waiting').isVisible()) throw new Error('still waiting after the rows came');
      release();
      await page.waitForTimeout(1000);
      await rowsAre(want);
      const th = page.locator('th', { has: page.locator('button.sort[data-sort=entry_no]') });
      if ((await th.getAttribute('aria-sort')) !== 'descending') throw new Error('the entry sort was lost');
    } finally {
      release();
      await page.unroute(/\/api\/interactions\?.*sort=cost/, slow);
    }
  });

  await step('a template page edits the template, a language variant and its body', async () => {
    await page.goto(base + '/#/templates');
    await page.getByRole('link', { name: 'Meeting invitation' }).click();
    await page.getByRole('heading', { name: /Meeting invitation/ }).waitFor();
    const form = page.locator('#template-form');
    await form.getByLabel('Unit cost').fill('abc');
    await form.getByRole('button', { name: 'Save template' }).click();
    await form.locator('.field', { has: page.locator('[name=unit_cost]') }).locator('.field-error').waitFor();
    await form.getByLabel('Unit cost').fill('3.25');
    await form.getByRole('button', { name: 'Save template' }).click();
    await status().filter({ hasText: 'Template MEETINV saved.' }).waitFor();
    if (await form.locator('.field-error').count()) throw new Error('the old error stays');
    if ((await api('/api/templates/MEETINV')).unit_cost !== '3.25') throw new Error('unit cost not saved');
    const add = page.locator('#add-variant');
    await add.getByLabel('Language code').fill('nor');
    await add.getByLabel('Description').fill('Møteinvitasjon');
    await add.getByRole('button', { name: 'Add language variant' }).click();
    await page.locator('#variants li', { hasText: 'Møteinvitasjon' }).waitFor();
    // The chosen language's body is read first: typing waits for it, or the reply would
    // replace what was typed.
    await Promise.all([page.waitForResponse((r) => r.url().includes('/api/templates/MEETINV/attachment?language=NOR')),
      page.locator('#body-language').selectOption('NOR')]);
    await page.locator('#body-text').fill('Hei {{contact.first_name}}, velkommen til møtet.');
    await page.getByRole('button', { name: 'Save body' }).click();
    await status().filter({ hasText: 'Body for NOR saved.' }).waitFor();
    const b = await api('/api/templates/MEETINV/attachment?language=NOR');
    if (b.body !== 'Hei {{contact.first_name}}, velkommen til møtet.') throw new Error(JSON.stringify(b));
    await snap('template-page');
  });

  await step('the template page previews the body merged for a picked contact as it is edited', async () => {
    const text = page.locator('#preview-text');
    await text.filter({ hasText: 'Pick a contact' }).waitFor();
    await pick(page.locator('#merge-preview'), 'Preview for contact', 'CT000007');
    await text.filter({ hasText: 'Hei Kari, velkommen til møtet.' }).waitFor();
    // Unsaved HTML: rendered in a sandboxed frame, the merged value escaped.
    await page.locator('#body-text').fill('<p>{{contact.name}} &amp; {{salesperson.name}}</p>');
    await page.frameLocator('#preview-html').locator('p', { hasText: 'Kari Nordmann & Annette Hill' }).waitFor();
    if (!(await text.isHidden())) throw new Error('the text preview stays beside the HTML one');
    await page.locator('#body-text').fill('Hei {{contact.nme}}');
    await page.locator('#preview-error').filter({ hasText: 'contact.nme' }).waitFor();
    const said = await page.locator('#preview-error').textContent();
    if (!said.startsWith('The value is not accepted.')) throw new Error(`not in the user's language: ${said}`);
    await page.locator('#body-text').fill('Hei {{contact.first_name}} igjen');
    await text.filter({ hasText: 'Hei Kari igjen' }).waitFor();
    if (await page.locator('#preview-error').isVisible()) throw new Error('the error stays after a good body');
    const b = await api('/api/templates/MEETINV/attachment?language=NOR');
    if (b.body !== 'Hei {{contact.first_name}}, velkommen til møtet.') throw new Error('the preview saved: ' + b.body);
    await snap('template-preview');
  });

  await step('an administrator sees the users with their roles and salespersons', async () => {
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await page.locator('tr', { hasText: 'Ann Admin' }).filter({ hasText: 'Administrator' }).waitFor();
  });

  await step('an administrator adds a user, changes the role, sets a password, disables and enables it', async () => {
    await page.goto(base + '/#/users');
    await page.locator('#add-user').click();
    let dlg = page.locator('dialog[open]');
    await dlg.getByLabel('User name').fill('bea');
    await dlg.getByLabel('Full name').fill('Bea Sales');
    await dlg.getByLabel('Password').fill('short');
    await dlg.getByRole('combobox', { name: 'Salesperson' }).pressSequentially('jim', { delay: 30 });
    await dlg.getByRole('option', { name: /Jim Olive/ }).click();
    await dlg.getByRole('button', { name: 'Add user' }).click();
    // The refused password is said next to its field; nothing is written.
    await dlg.locator('.field', { has: page.locator('[name=password]') }).locator('.field-error').waitFor();
    if ((await api('/api/users')).items.some((u) => u.name === 'bea')) throw new Error('bea added with a short password');
    await dlg.getByLabel('Password').fill('a good long password');
    await dlg.getByRole('button', { name: 'Add user' }).click();
    await status().filter({ hasText: 'User bea added.' }).waitFor();
    let u = await api('/api/users/bea');
    if (u.salesperson_code !== 'JO' || u.full_name !== 'Bea Sales' || u.role !== 'user') throw new Error(JSON.stringify(u));
    const row = page.locator('tr[data-user=bea]');
    await row.filter({ hasText: 'Jim Olive' }).waitFor();
    await row.getByRole('button', { name: 'Edit bea' }).click();
    dlg = page.locator('dialog[open]');
    await dlg.getByLabel('Role').selectOption('admin');
    await dlg.getByRole('button', { name: 'Save user' }).click();
    await status().filter({ hasText: 'User bea saved.' }).waitFor();
    if ((await api('/api/users/bea')).role !== 'admin') throw new Error('role not changed');
    await page.locator('tr[data-user=bea]').getByRole('button', { name: 'New password bea' }).click();
    dlg = page.locator('dialog[open]');
    await dlg.getByLabel('New password').fill('yet another password');
    await dlg.getByRole('button', { name: 'Set password' }).click();
    await status().filter({ hasText: 'The password of bea is changed.' }).waitFor();
    // Disabling asks first; No leaves the account as it is.
    await page.locator('tr[data-user=bea]').getByRole('button', { name: 'Disable bea' }).click();
    dlg = page.locator('dialog[open]');
    await dlg.getByRole('heading', { name: 'Disable user bea?' }).waitFor();
    await dlg.getByRole('button', { name: 'Cancel' }).click();
    if ((await api('/api/users/bea')).disabled) throw new Error('disabled without a yes');
    await page.locator('tr[data-user=bea]').getByRole('button', { name: 'Disable bea' }).click();
    await page.locator('dialog[open]').getByRole('button', { name: 'Disable' }).click();
    await status().filter({ hasText: 'User bea disabled.' }).waitFor();
    if (!(await api('/api/users/bea')).disabled) throw new Error('not disabled');
    await page.locator('tr[data-user=bea]').getByRole('button', { name: 'Enable bea' }).click();
    await status().filter({ hasText: 'User bea enabled.' }).waitFor();
    if ((await api('/api/users/bea')).disabled) throw new Error('not enabled');
    // The own account cannot be disabled from here.
    if (await page.locator('tr[data-user=ann] button.disable-user').count()) throw new Error('ann may disable herself');
    await snap('users');
  });

  await step('an administrator creates an API token, sees its secret once, and revokes it', async () => {
    await page.goto(base + '/#/users');
    await page.locator('#new-token').click();
    let dlg = page.locator('dialog[open]');
    await dlg.getByLabel('User name').selectOption('bea');
    await dlg.getByLabel('Description').fill('Weekly report');
    await dlg.getByLabel('Expires after (days)').fill('30');
    await dlg.getByRole('button', { name: 'Create token' }).click();
    dlg = page.locator('dialog[open]', { hasText: 'shown only this once' });
    const secret = await dlg.getByLabel('Token').inputValue();
    if (!/^[0-9a-f]{64}$/.test(secret)) throw new Error(`secret ${secret}`);
    await snap('token-secret');
    await dlg.getByRole('button', { name: 'I have copied it' }).click();
    await status().filter({ hasText: /API token \d+ created for bea/ }).waitFor();
    const me = await page.evaluate(async (tok) => (await fetch('/api/me', { credentials: 'omit',
      headers: { Authorization: `Bearer ${tok}` } })).json(), secret);
    if (me.name !== 'bea') throw new Error(JSON.stringify(me));
    const tok = (await api('/api/tokens')).items.find((k) => k.description === 'Weekly report');
    if ((await page.content()).includes(secret)) throw new Error('the secret stays on the page');
    const row = page.locator(`tr[data-token="${tok.id}"]`);
    await row.getByRole('button', { name: `Revoke ${tok.id}` }).click();
    dlg = page.locator('dialog[open]');
    await dlg.getByRole('button', { name: 'Revoke' }).click();
    await status().filter({ hasText: `API token ${tok.id} revoked.` }).waitFor();
    await page.locator(`tr[data-token="${tok.id}"]`, { hasText: 'Revoked' }).waitFor();
    const st = await page.evaluate(async (t) => (await fetch('/api/me', { credentials: 'omit',
      headers: { Authorization: `Bearer ${t}` } })).status, secret);
    if (st !== 401) throw new Error(`revoked token answers ${st}`);
  });

  await step('an administrator imports mail: the report lists logged and unmatched messages; the entry shows the message', async () => {
    const kari = ['From: Kari Nordmann <kari@nordlys.example>', 'To: Jim Olive <jim@cronus.example>',
      'Subject: =?UTF-8?Q?Tilbud_p=C3=A5_m=C3=B8bler?=', 'Date: Tue, 10 Mar 2026 14:30:00 +0100',
      'Message-ID: <tilbud-ui-1@nordlys.example>', 'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain; charset=UTF-8', '',
      'Hei Jim, kan dere sende et tilbud på 18 stoler?', '', '--b',
      'Content-Type: application/pdf; name="forespørsel.pdf"',
      'Content-Disposition: attachment; filename="=?UTF-8?Q?foresp=C3=B8rsel.pdf?="',
      'Content-Transfer-Encoding: base64', '', 'JVBERi0xLjQKJSVFT0YK', '--b--', ''].join('\r\n');
    const stranger = ['From: stranger@nowhere.example', 'To: jim@cronus.example', 'Subject: Hello',
      'Date: Tue, 10 Mar 2026 15:00:00 +0100', 'Message-ID: <hello-ui@nowhere.example>', '', 'Hi.', ''].join('\r\n');
    await page.getByRole('link', { name: 'Mail', exact: true }).click();
    await page.getByRole('heading', { name: 'Import mail' }).waitFor();
    // This server fetches no mailbox: the page says how it would.
    await page.locator('#no-mailbox', { hasText: '--fetch-mail' }).waitFor();
    await page.getByLabel('Message files (.eml)').setInputFiles([
      { name: 'kari.eml', mimeType: 'message/rfc822', buffer: Buffer.from(kari) },
      { name: 'stranger.eml', mimeType: 'message/rfc822', buffer: Buffer.from(stranger) }]);
    await page.getByRole('button', { name: 'Import mail' }).click();
    const report = page.locator('#mail-report');
    await report.filter({ hasText: '2 messages' }).waitFor();
    await page.locator('#mail-logged tr', { hasText: 'Kari Nordmann' }).filter({ hasText: 'Tilbud på møbler' }).waitFor();
    await page.locator('#mail-unmatched tr', { hasText: 'stranger@nowhere.example' })
      .filter({ hasText: 'No contact or salesperson has the sender’s e-mail stranger@nowhere.example.' }).waitFor();
    await snap('mail-import-report');
    const entry = Number(await page.locator('#mail-logged a[href^="#/interactions/"]').first().textContent());
    const e = await api(`/api/interactions/${entry}`);
    if (e.contact_no !== 'CT000007' || e.subject !== 'Tilbud på møbler') throw new Error(JSON.stringify(e));
    await page.locator('#mail-logged a[href^="#/interactions/"]').first().click();
    const msg = page.locator('#kept-message');
    await msg.getByRole('heading', { name: 'E-mail message' }).waitFor();
    await msg.locator('dd', { hasText: 'kari@nordlys.example' }).waitFor();
    await msg.locator('.mail-text', { hasText: 'kan dere sende et tilbud på 18 stoler?' }).waitFor();
    await msg.locator('ul.attachments li', { hasText: 'forespørsel.pdf' }).filter({ hasText: 'application/pdf' }).waitFor();
    await snap('entry-kept-message');
    // Importing the same file again reports it as already logged.
    await page.goto(base + '/#/mail');
    await page.getByLabel('Message files (.eml)').setInputFiles([
      { name: 'kari.eml', mimeType: 'message/rfc822', buffer: Buffer.from(kari) }]);
    await page.getByRole('button', { name: 'Import mail' }).click();
    await page.locator('#mail-duplicates tr', { hasText: 'kari.eml' }).filter({ hasText: String(entry) }).waitFor();
  });

  await step('a template that entries use is not deleted, as its confirmation says', async () => {
    await page.goto(base + '/#/templates');
    await page.locator('button.delete-template[data-code="OUTGOING"]').click();
    const dlg = page.locator('dialog[open]');
    await dlg.getByRole('heading', { name: /Delete template Outgoing call/ }).waitFor();
    const help = await dlg.textContent();
    if (!/A template that interaction log entries use cannot be deleted/.test(help)) throw new Error(help);
    await dlg.getByRole('button', { name: 'Delete' }).click();
    await status().filter({ hasText: 'The record is in use and cannot be deleted.' }).waitFor();
    const r = await page.evaluate(async () => (await fetch('/api/templates/OUTGOING')).status);
    if (r !== 200) throw new Error(`template gone: ${r}`);
  });

  await step('the admin pages show templates and setup', async () => {
    await page.goto(base + '/#/templates');
    await page.getByRole('heading', { name: 'Interaction templates' }).waitFor();
    await page.locator('td', { hasText: 'OUTGOING' }).first().waitFor();
    await page.goto(base + '/#/setup');
    await page.getByRole('heading', { name: 'Marketing setup' }).waitFor();
    // Attachment bodies are kept in the database: no other storage is offered.
    const storage = await page.getByLabel('Attachment storage', { exact: true })
      .evaluate((el) => [...el.options].map((o) => o.textContent));
    if (storage.join() !== 'In the database') throw new Error(`storage offers ${storage.join()}`);
    await snap('setup');
  });

  await step('the UI switches to Norwegian Bokmål; setup labels are words', async () => {
    await page.locator('#lang').selectOption('nb');
    await page.getByRole('link', { name: 'Kontakter' }).waitFor();
    await page.getByRole('heading', { name: 'Markedsføringsoppsett' }).waitFor();
    await page.getByLabel('Personer arver firmaets selger').waitFor();
    await snap('norwegian');
  });

  await step('every text of the i18n table has a Norwegian value', async () => {
    const missing = await page.evaluate(async () => {
      const { dicts } = await import('/i18n.js');
      return Object.keys(dicts.en).filter((k) => typeof dicts.nb[k] !== 'string' || !dicts.nb[k].trim());
    });
    if (missing.length) throw new Error(`no Norwegian for: ${missing.join(', ')}`);
  });

  await step('an error stands next to its field in Norwegian and goes after a success', async () => {
    await page.goto(base + '/#/contacts/CT000002');
    await page.getByRole('heading', { name: /CT000002/ }).waitFor();
    await page.locator('#create-interaction').click();
    const dlg = page.locator('dialog[open]');
    await pick(dlg, 'Mal', 'OUTGOING');
    await page.waitForFunction(() =>
      document.querySelector('dialog[open] [name=description]').value === 'Outgoing call');
    await dlg.getByLabel('Kostnad').fill('abc');
    await dlg.getByLabel('Kostnad').press('Tab');
    await dlg.getByRole('button', { name: 'OK' }).click();
    const costField = dlg.locator('.field', { has: page.locator('[name=cost]') });
    await costField.locator('.field-error').filter({ hasText: 'Kostnad: skriv et tall med høyst to desimaler.' }).waitFor();
    await snap('norwegian-field-error');
    await dlg.getByLabel('Kostnad').fill('1,5'.replace(',', '.'));
    await dlg.getByLabel('Kostnad').press('Tab');
    await dlg.getByRole('button', { name: 'OK' }).click();
    await status().filter({ hasText: 'opprettet' }).waitFor();
    if (await page.locator('.field-error').count()) throw new Error('an old error stays');
  });

  // Text nodes of the Norwegian UI that are an English text of the table (one that differs
  // from its Norwegian one). The server's own sentences are marked lang="en" and skipped;
  // data (names, descriptions) is not in the table.
  const englishLeft = () => page.evaluate(async () => {
    const { dicts } = await import('/i18n.js');
    const english = new Set(Object.keys(dicts.en)
      .filter((k) => dicts.en[k] !== dicts.nb[k] && !/\{\d\}/.test(dicts.en[k]))
      .map((k) => dicts.en[k]));
    const found = [];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const text = n.textContent.trim();
      if (!text || n.parentElement.closest('[lang=en], #lang, script, style')) continue;
      if (english.has(text) || /^(null|undefined|NaN)$/.test(text)) found.push(text);
    }
    for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
      for (const a of ['aria-label', 'title', 'placeholder']) {
        const v = el.getAttribute(a);
        if (v && english.has(v.trim())) found.push(`${a}=${v}`);
      }
    }
    return found;
  });

  await step('a Norwegian page has no English text from the i18n table', async () => {
    const open = (await api('/api/segments')).items[0].no;
    const pagesToCheck = [`#/interactions/${(await api('/api/interactions')).items[0].entry_no}`,
      '#/home', '#/contacts', '#/contacts/CT000007', '#/salespersons/AH', '#/interactions',
      '#/postponed', '#/segments', `#/segments/${open}`, `#/logged-segments/${(await api('/api/logged-segments')).items[0].entry_no}`, '#/logged-segments', '#/campaigns/CMP1001',
      '#/templates', '#/templates/MEETINV', '#/setup', '#/users', '#/mail'];
    const bad = [];
    for (const p of pagesToCheck) {
      await page.goto(base + '/' + p);
      await page.locator('main h1').waitFor();
      await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'));
      await page.waitForTimeout(200);
      const left = await englishLeft();
      if (left.length) bad.push(`${p}: ${left.join(' | ')}`);
    }
    await page.goto(base + '/#/contacts/CT000007');
    await page.locator('#create-interaction').click();
    await page.locator('dialog[open]').waitFor();
    const left = await englishLeft();
    if (left.length) bad.push(`create dialog: ${left.join(' | ')}`);
    await snap('norwegian-dialog');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('dialog[open]'));
    await page.locator('#lang').selectOption('en');
    if (bad.length) throw new Error(bad.join('\n'));
  });

  // Every main flow once more in Norwegian on a 375 px phone, as a user does it (names typed
  // into pickers): after each action the page must not scroll sideways and must show none of
  // the English texts of the i18n table.
  let N = null;
  const flowIssues = [];
  const guard = async (where) => {
    await page.waitForFunction(() => !document.querySelector('[aria-busy=true]')).catch(() => {});
    await page.waitForTimeout(100);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > 375) flowIssues.push(`${where}: the page is ${width}px wide`);
    const left = await englishLeft();
    if (left.length) flowIssues.push(`${where}: English left: ${left.join(' | ')}`);
  };
  const flowDone = () => {
    const issues = flowIssues.splice(0);
    if (issues.length) throw new Error(issues.join('\n'));
  };
  // Choose a record in a picker of scope by typing part of its name, then its option.
  const pickByName = async (scope, label, text, code) => {
    const input = scope.getByRole('combobox', { name: label, exact: true });
    await input.fill('');
    await input.pressSequentially(text, { delay: 30 });
    await scope.locator(`[role=option][data-code="${code}"]`).click();
    const v = await input.inputValue();
    if (v !== code) throw new Error(`${label}: picked ${v}`);
  };
  const nbStatus = async (re) => {
    await status().filter({ hasText: re }).waitFor();
    return (await status().textContent()).trim();
  };

  await step('Norwegian at 375 px: the UI switches language on a phone', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(base + '/#/home');
    await page.locator('main h1').waitFor();
    await page.locator('#lang').selectOption('nb');
    await page.getByRole('link', { name: 'Hjem' }).waitFor();
    N = await page.evaluate(async () => (await import('/i18n.js')).dicts.nb);
    await guard('home');
    flowDone();
  });

  let nbContact = '';
  await step('Norwegian at 375 px: a contact is created with its company picked by name, and edited', async () => {
    await page.goto(base + '/#/contacts');
    await page.locator('#new-contact').click();
    const dlg = page.locator('dialog[open]');
    await dlg.getByLabel(N.type, { exact: true }).selectOption('person');
    await pickByName(dlg, N.company, 'nordlys', 'CT000002');
    await dlg.getByLabel(N.firstName).fill('Per');
    await dlg.getByLabel(N.surname).fill('Olsen');
    await dlg.getByLabel(N.email, { exact: true }).fill('per@nordlys.example');
    await guard('new contact dialog');
    await snap('nb-phone-new-contact', false);
    await dlg.getByRole('button', { name: N.createContact }).click();
    await page.waitForFunction(() => /^#\/contacts\/CT\d+$/.test(location.hash));
    nbContact = await page.evaluate(() => location.hash.split('/').pop());
    await page.getByRole('heading', { name: /Per Olsen/ }).waitFor();
    await guard('new contact card');
    await page.locator('#edit-contact').click();
    const edit = page.locator('dialog[open]');
    await edit.getByLabel(N.city, { exact: true }).fill('Bergen');
    await guard('edit contact dialog');
    await edit.getByRole('button', { name: N.saveContact }).click();
    await page.locator('dl.facts', { hasText: 'Bergen' }).waitFor();
    const c = await api(`/api/contacts/${nbContact}`);
    if (c.company_no !== 'CT000002' || c.city !== 'Bergen' || c.name !== 'Per Olsen') throw new Error(JSON.stringify(c));
    await guard('edited contact card');
    flowDone();
  });

  await step('Norwegian at 375 px: create an interaction from the contact card', async () => {
    await page.goto(base + `/#/contacts/${nbContact}`);
    await page.locator('#create-interaction').click();
    const dlg = page.locator('dialog[open]');
    await pickByName(dlg, N.template, 'outgoing', 'OUTGOING');
    await page.waitForFunction(() =>
      document.querySelector('dialog[open] [name=description]').value === 'Outgoing call');
    await dlg.getByLabel(N.subject, { exact: true }).fill('Tilbud på stoler');
    await guard('create interaction dialog');
    await snap('nb-phone-create-interaction', false);
    await dlg.getByRole('button', { name: N.ok, exact: true }).click();
    const text = await nbStatus(/opprettet/);
    const e = await api(`/api/interactions/${text.match(/\d+/)[0]}`);
    if (e.contact_no !== nbContact || e.subject !== 'Tilbud på stoler') throw new Error(JSON.stringify(e));
    await guard('contact card after create');
    flowDone();
  });

  await step('Norwegian at 375 px: finish an interaction later, then resume it', async () => {
    await page.goto(base + `/#/contacts/${nbContact}`);
    await page.locator('#create-interaction').click();
    const dlg = page.locator('dialog[open]');
    await pickByName(dlg, N.template, 'outgoing', 'OUTGOING');
    await page.waitForFunction(() =>
      document.querySelector('dialog[open] [name=description]').value === 'Outgoing call');
    await dlg.getByLabel(N.subject, { exact: true }).fill('Ring tilbake');
    await dlg.getByRole('button', { name: N.cancel, exact: true }).click();
    const ask = page.locator('dialog[open]', { hasText: N.finishLater });
    await ask.waitFor();
    await guard('finish later question');
    await ask.getByRole('button', { name: N.finishLaterYes }).click();
    const text = await nbStatus(/utsatt/);
    const no = Number(text.match(/\d+/)[0]);
    if (!(await api(`/api/interactions/${no}`)).postponed) throw new Error('not postponed');
    await page.goto(base + '/#/postponed');
    await page.locator(`button.resume[data-entry="${no}"]`).waitFor();
    await guard('postponed list');
    await page.locator(`button.resume[data-entry="${no}"]`).click();
    const resume = page.locator('dialog[open]');
    await resume.getByLabel(N.subject, { exact: true }).waitFor();
    if ((await resume.getByLabel(N.subject, { exact: true }).inputValue()) !== 'Ring tilbake') throw new Error('subject lost');
    await guard('resume dialog');
    await resume.getByRole('button', { name: N.ok, exact: true }).click();
    await nbStatus(/opprettet/);
    const e = await api(`/api/interactions/${no}`);
    if (e.postponed || e.subject !== 'Ring tilbake') throw new Error(JSON.stringify(e));
    flowDone();
  });

  await step('Norwegian at 375 px: the log sorts with the list above its cards and searches', async () => {
    await page.goto(base + '/#/home');
    await page.goto(base + '/#/interactions');
    await page.locator('.paged tbody tr').first().waitFor();
    if (await page.locator('button.sort[data-sort=cost]').isVisible()) throw new Error('header buttons shown on a phone');
    await page.getByLabel(N.sortBy).selectOption('cost:desc');
    await rowsAre(await apiRows('sort=cost:desc'));
    await page.getByLabel(N.searchLog).fill('olsen');
    await page.locator('#log-filter').getByRole('button', { name: N.applyFilter, exact: true }).click();
    await rowsAre(await apiRows('sort=cost:desc&q=olsen'));
    if (!(await logRows()).length) throw new Error('the search found nothing');
    await guard('sorted and searched log');
    await snap('nb-phone-log-sorted', false);
    flowDone();
  });

  let nbLogged = 0;
  await step('Norwegian at 375 px: build a segment by criteria and log it', async () => {
    await page.goto(base + '/#/segments');
    await page.getByLabel(N.description, { exact: true }).fill('Vårutsendelse');
    await page.getByRole('button', { name: N.newSegment }).click();
    await page.getByRole('heading', { name: /Segment SEG/ }).waitFor();
    const segNo = (await page.getByRole('heading', { name: /Segment SEG/ }).textContent()).split(' ').pop();
    const header = page.locator('#segment-header');
    await pickByName(header, N.template, 'abstract', 'ABSTRACT');
    await header.getByRole('button', { name: N.save, exact: true }).click();
    await nbStatus(`Segment ${segNo} lagret.`);
    const crit = page.locator('#criteria');
    await crit.locator('.f-field').first().selectOption('country_code');
    await crit.locator('.f-value').first().fill('GB');
    await crit.getByRole('button', { name: N.run, exact: true }).click();
    await nbStatus(/lagt til/);
    const lines = (await api(`/api/segments/${segNo}`)).no_of_lines;
    if (lines < 1) throw new Error('no lines');
    await guard('segment page');
    await snap('nb-phone-segment', false);
    await page.getByRole('button', { name: N.log, exact: true }).click();
    const dlg = page.locator('dialog[open]');
    await dlg.getByRole('button', { name: N.ok, exact: true }).waitFor();
    await guard('log dialog');
    await dlg.getByRole('button', { name: N.ok, exact: true }).click();
    await page.waitForFunction(() => /^#\/logged-segments\/\d+$/.test(location.hash));
    nbLogged = Number(await page.evaluate(() => location.hash.split('/').pop()));
    await page.getByRole('heading', { name: `Loggført segment ${nbLogged}` }).waitFor();
    const ls = await api(`/api/logged-segments/${nbLogged}`);
    if (ls.no_of_interactions !== lines) throw new Error(JSON.stringify(ls));
    await guard('logged segment page');
    flowDone();
  });

  await step('Norwegian at 375 px: cancel the logged segment after a confirmation with its count', async () => {
    await page.goto(base + '/#/logged-segments');
    const before = await api(`/api/logged-segments/${nbLogged}`);
    await page.locator(`button.cancel-logged[data-entry="${nbLogged}"]`).click();
    const dlg = page.locator('dialog[open]');
    await dlg.getByRole('heading', { name: `Annullere loggført segment ${nbLogged}?` }).waitFor();
    await guard('cancel logged segment question');
    await dlg.getByRole('button', { name: N.cancel, exact: true }).click();
    await nbStatus(`Loggført segment ${nbLogged} annullert med ${before.no_of_interactions} samhandlingsposter.`);
    if (!(await api(`/api/logged-segments/${nbLogged}`)).canceled) throw new Error('not canceled');
    await guard('logged segments after cancel');
    flowDone();
  });

  await step('Norwegian at 375 px: edit a template', async () => {
    await page.goto(base + '/#/templates/MEETINV');
    const form = page.locator('#template-form');
    await form.getByLabel(N.unitCost).fill('4.75');
    await guard('template page');
    await form.getByRole('button', { name: N.saveTemplate }).click();
    await nbStatus('Mal MEETINV lagret.');
    if ((await api('/api/templates/MEETINV')).unit_cost !== '4.75') throw new Error('unit cost not saved');
    await snap('nb-phone-template', false);
    await page.locator('#lang').selectOption('en');
    await page.setViewportSize({ width: 1280, height: 900 });
    flowDone();
  });

  await step('phone width (375 px): no page scrolls sideways, touch targets are 44 px', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    const wide = [];
    const small = [];
    const open = (await api('/api/segments')).items[0].no;
    for (const p of ['#/home', '#/contacts', '#/contacts/CT000001', '#/interactions', '#/postponed', '#/segments',
      `#/segments/${open}`, '#/logged-segments', '#/campaigns/CMP1001', '#/templates', '#/setup',
      '#/salespersons/JO', '#/users', '#/mail', '#/templates/MEETINV', '#/home']) {
      await page.goto(base + '/' + p);
      await page.locator('main h1').waitFor();
      await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'));
      await page.waitForTimeout(200);
      const r = await page.evaluate(() => ({
        width: document.documentElement.scrollWidth,
        small: [...document.querySelectorAll('main button, main select, main input:not([type=checkbox]), header button, header select')]
          .filter((el) => el.offsetParent)
          .map((el) => [el.textContent.trim() || el.name || el.className, el.getBoundingClientRect().height])
          .filter(([, hgt]) => hgt < 44),
      }));
      if (r.width > 375) wide.push(`${p}: ${r.width}px`);
      if (r.small.length) small.push(`${p}: ${r.small.map(([n, hgt]) => `${n} ${hgt}px`).join(', ')}`);
      await snap(`phone-${p.replace(/[^a-z0-9]+/gi, '-')}`, false);
    }
    await page.goto(base + '/#/contacts/CT000001');
    await page.locator('#create-interaction').click();
    await page.locator('dialog[open]').waitFor();
    const dlgWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    if (dlgWidth > 375) wide.push(`create dialog: ${dlgWidth}px`);
    await snap('phone-create-dialog', false);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('dialog[open]'));
    await page.setViewportSize({ width: 1280, height: 900 });
    if (wide.length || small.length) throw new Error([...wide, ...small].join('\n'));
  });

  // axe-core (npm) checks every main page, in both languages, at desktop and phone width.
  // It is evaluated through the DevTools protocol, which the page's CSP does not govern.
  await step('axe-core finds no serious or critical accessibility violation on any page, language or width', async () => {
    const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    const open = (await api('/api/segments')).items[0].no;
    const logged = (await api('/api/logged-segments')).items[0].entry_no;
    const mailEntry = (await api('/api/interactions?q=nordlys.example&limit=1')).items[0];
    const entry = mailEntry ? mailEntry.entry_no : (await api('/api/interactions')).items[0].entry_no;
    const pagesToCheck = ['#/home', '#/contacts', '#/contacts/CT000001', '#/interactions', `#/interactions/${entry}`,
      '#/postponed', '#/segments', `#/segments/${open}`, '#/logged-segments', `#/logged-segments/${logged}`,
      '#/templates', '#/templates/MEETINV', '#/setup', '#/users', '#/mail', '#/campaigns/CMP1001', '#/salespersons/JO'];
    const bad = [];
    const minor = new Set();
    const run = async (where) => {
      if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(axeSource);
      const r = await page.evaluate(async () => {
        const res = await window.axe.run(document, { resultTypes: ['violations'] });
        const text = (v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`;
        return { passes: res.passes.length,
                 bad: res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map(text),
                 other: res.violations.filter((v) => v.impact !== 'serious' && v.impact !== 'critical').map(text) };
      });
      if (!r.passes) bad.push(`${where}: axe checked nothing`);
      for (const f of r.bad) bad.push(`${where}: ${f}`);
      // Lesser findings are listed, not failed.
      for (const f of r.other) minor.add(f.replace(/ — .*/, ''));
    };
    for (const [lang, width] of [['en', 1280], ['nb', 1280], ['en', 375], ['nb', 375]]) {
      await page.setViewportSize({ width, height: width > 400 ? 900 : 812 });
      await page.goto(base + '/#/home');
      await page.locator('#lang').selectOption(lang);
      for (const p of pagesToCheck) {
        await page.goto(base + '/' + p);
        await page.locator('main h1').waitFor();
        await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'));
        await run(`${lang} ${width}px ${p}`);
      }
      // A dialog too: Create Interaction.
      await page.goto(base + '/#/contacts/CT000007');
      await page.locator('#create-interaction').click();
      await page.locator('dialog[open]').waitFor();
      await run(`${lang} ${width}px create dialog`);
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => !document.querySelector('dialog[open]'));
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.locator('#lang').selectOption('en');
    for (const m of minor) console.log(`# axe (moderate or minor): ${m}`);
    if (bad.length) throw new Error([...new Set(bad)].join('\n'));
  });

  await step('sign out ends the session', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const s = await page.evaluate(async () => (await fetch('/api/me')).status);
    if (s !== 401) throw new Error(`GET /api/me after sign-out: ${s}`);
  });

  check('no request left the server (no CDN, no network)', foreign.length === 0, foreign.join('\n'));
  check('the pages raised no script errors', pageErrors.length === 0, pageErrors.join('\n'));
} finally {
  await context.close().catch(() => {});
  server.kill('SIGTERM');
  const code = await new Promise((r) => {
    const timer = setTimeout(() => {
      server.kill('SIGKILL');
      r('killed');
    }, 15000);
    server.on('exit', (c, sig) => {
      clearTimeout(timer);
      r(c ?? sig);
    });
  });
  check('the server exits with status 0 after SIGTERM', code === 0, `exit: ${code}`);
  rmSync(userDataDir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed (screenshots in ${ARTIFACTS})`);
process.exit(failed ? 1 : 0);
