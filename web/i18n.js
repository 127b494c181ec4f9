// English and Norwegian Bokmål. The language follows the browser until the user picks
// one (kept in localStorage). t(key, ...args) fills {0}, {1}, ... in the text.
const en = {
  app: 'relm', signIn: 'Sign in', signOut: 'Sign out', user: 'User name', password: 'Password',
  language: 'Language', contacts: 'Contacts', salespersons: 'Salespersons',
  interactions: 'Interaction log', postponed: 'Postponed interactions', segments: 'Segments',
  loggedSegments: 'Logged segments', templates: 'Interaction templates', setup: 'Marketing setup',
  search: 'Search', next: 'Next page', prev: 'Previous page', none: 'Nothing to show.',
  save: 'Save', saved: 'Saved.', ok: 'OK', cancel: 'Cancel', close: 'Close', delete: 'Delete',
  yes: 'Yes', no: 'No', statistics: 'Statistics', history: 'Interaction history',
  createInteraction: 'Create interaction', resume: 'Resume', evaluate: 'Evaluate',
  cancelEntries: 'Cancel selected', campaigns: 'Campaigns', startingDate: 'Starting date',
  endingDate: 'Ending date', campaignEntries: 'Campaign entries', responses: 'Responses',
  deleteCanceled: 'Delete canceled entries', before: 'Before',
  entryNoFrom: 'From entry no.', entryNoTo: 'To entry no.', fromDate: 'From date', toDate: 'To date',
  confirmDeleteCanceled: 'Delete {0} canceled entries?',
  confirmDeleteCanceledHelp: 'They are deleted with their comment lines; this cannot be undone.',
  noCanceledMatch: 'No canceled entries match.', comments: 'Comments',
  commentsHelp: 'One comment line per line of text.', comment: 'Comment', addComment: 'Add comment',
  commentsOf: 'Comments on entry {0}', line: 'Line',
  deletedCount: '{n} canceled entries deleted.', finishLater: 'Do you want to finish this interaction later?',
  finishLaterHelp: 'Yes keeps it as a postponed interaction; No discards what you filled in.',
  interactionCreated: 'Interaction {0} created.', interactionPostponed: 'Interaction {0} postponed.',
  deleted: 'Deleted.', newSegment: 'New segment', description: 'Description', open: 'Open',
  interactionSection: 'Interaction', lines: 'Lines', addContact: 'Add contact',
  criteria: 'Build by criteria', action: 'Action', add: 'Add contacts', reduce: 'Reduce contacts',
  refine: 'Refine contacts', field: 'Field', value: 'Value', addFilter: 'Add filter',
  removeFilter: 'Remove', run: 'Run', undo: 'Undo', redo: 'Redo', steps: 'Criteria steps', saveCriteria: 'Save criteria', reuseCriteria: 'Reuse criteria',
  criteriaCode: 'Criteria code', allContacts: 'all contacts', undone: 'undone',
  applyToAll: 'Apply the header to all lines (also personalised ones)',
  expandCompany: 'Expand companies', allowRelatedCompanies: 'Allow related companies',
  entireCompanies: 'Entire companies',
  descriptionTyped: 'Typed: stays when the template changes (clear it to follow the template)',
  descriptionFollows: 'Follows the line\'s template',
  ignoreExclusion: 'Ignore exclusion', allowExisting: 'Allow existing contacts',
  log: 'Log', logSegment: 'Log segment', followUp: 'Create follow-up segment',
  deliver: 'Send e-mail (deliver)', logging: 'Logging…',
  logged: 'Logged as entry {0}: {1} interactions.', followUpCreated: 'Follow-up segment {0} created.',
  reuse: 'Reuse', reused: 'Segment {0} created from the logged segment.',
  canceled: 'Canceled', personalised: 'Personalised', linesAdded: '{0} lines added.',
  linesRemoved: '{0} lines removed.', role: 'Role', admin: 'Administrator', readOnly: 'Read only',
  contact: 'Contact', salesperson: 'Salesperson', template: 'Template', date: 'Date', time: 'Time',
  subject: 'Subject', cost: 'Cost', duration: 'Duration (min)', evaluation: 'Evaluation',
  attemptFailed: 'Attempt failed', correspondence: 'Correspondence type', entry: 'Entry',
  name: 'Name', city: 'City', email: 'E-mail', phone: 'Phone', type: 'Type', code: 'Code',
  group: 'Group', unitCost: 'Unit cost', unitDuration: 'Unit duration', campaign: 'Campaign',
  language_code: 'Language code', status: 'Status', user_id: 'User', segment: 'Segment',
  noOfLines: 'Lines', fromEntry: 'From entry', chooseContact: 'Choose a contact',
  error: 'Error', loading: 'Loading…', all: 'All', salespersonCard: 'Salesperson',
  noOfInteractions: 'Interactions', lastInteraction: 'Date of last interaction',
  lastAttempted: 'Last date attempted (by us)',
  newTemplate: 'New template', company: 'Company', person: 'Person', skipToContent: 'Skip to content',
  undoCancel: 'Undo cancel', deleteContact: 'Delete contact', withPersons: 'Delete its persons too',
  deleteContactQ: 'Delete contact {0}?',
  eraseContact: 'Erase personal data', eraseContactQ: 'Erase the personal data of contact {0}?',
  eraseContactHelp: 'Names, addresses, numbers, entry texts, kept messages and comments are removed for good; the entries stay for the statistics. This cannot be undone.',
  erased: 'The personal data of contact {0} was erased.',
  deletePersonHelp: 'Its interaction log entries move to its company {0}.',
  deleteLonePersonHelp: 'Its interaction log entries stay, without a contact.',
  deleteCompanyHelp: 'Its interaction log entries stay, detached from it.',
  deleteCompanyPersonsHelp: 'Its persons are deleted too; all their interaction log entries stay, detached.',
  deleteLoggedQ: 'Delete logged segment {0}?',
  deleteLoggedHelp: '{0} interaction log entries stay, detached from it.',
  loggedDeleted: 'Logged segment {0} deleted: {1} interaction log entries kept.',
  delivery: 'Delivery', deliveryCounts: 'sent {0} · waiting {1} · failed {2}',
  retryFailed: 'Retry failed', retried: '{0} entries back in the outbox.',
  deleteEntryQ: 'Delete campaign entry {0}?',
  deleteEntryHelp: 'Its interaction log entries are deleted with it.',
  entryDeleted: 'Campaign entry {0} deleted with {1} interaction log entries.',
  deleteCampaign: 'Delete campaign', deleteCampaignQ: 'Delete campaign {0}?',
  deleteCampaignHelp: 'Its campaign entries are deleted; its interaction log entries stay, keeping the campaign no.',
};

const nb = {
  app: 'relm', signIn: 'Logg på', signOut: 'Logg av', user: 'Brukernavn', password: 'Passord',
  language: 'Språk', contacts: 'Kontakter', salespersons: 'Selgere',
  interactions: 'Samhandlingslogg', postponed: 'Utsatte samhandlinger', segments: 'Segmenter',
  loggedSegments: 'Loggførte segmenter', templates: 'Samhandlingsmaler', setup: 'Markedsføringsoppsett',
  search: 'Søk', next: 'Neste side', prev: 'Forrige side', none: 'Ingenting å vise.',
  save: 'Lagre', saved: 'Lagret.', ok: 'OK', cancel: 'Avbryt', close: 'Lukk', delete: 'Slett',
  yes: 'Ja', no: 'Nei', statistics: 'Statistikk', history: 'Samhandlingshistorikk',
  createInteraction: 'Opprett samhandling', resume: 'Fortsett', evaluate: 'Evaluer',
  cancelEntries: 'Annuller valgte', campaigns: 'Kampanjer', startingDate: 'Startdato',
  endingDate: 'Sluttdato', campaignEntries: 'Kampanjeposter', responses: 'Svar',
  deleteCanceled: 'Slett annullerte poster', before: 'Før',
  entryNoFrom: 'Fra løpenr.', entryNoTo: 'Til løpenr.', fromDate: 'Fra dato', toDate: 'Til dato',
  confirmDeleteCanceled: 'Slette {0} annullerte poster?',
  confirmDeleteCanceledHelp: 'De slettes med sine merknadslinjer; dette kan ikke angres.',
  noCanceledMatch: 'Ingen annullerte poster passer.', comments: 'Merknader',
  commentsHelp: 'Én merknadslinje per tekstlinje.', comment: 'Merknad', addComment: 'Legg til merknad',
  commentsOf: 'Merknader til post {0}', line: 'Linje',
  deletedCount: '{n} annullerte poster slettet.', finishLater: 'Vil du fullføre denne samhandlingen senere?',
  finishLaterHelp: 'Ja lagrer den som en utsatt samhandling; Nei forkaster det du har fylt ut.',
  interactionCreated: 'Samhandling {0} opprettet.', interactionPostponed: 'Samhandling {0} utsatt.',
  deleted: 'Slettet.', newSegment: 'Nytt segment', description: 'Beskrivelse', open: 'Åpne',
  interactionSection: 'Samhandling', lines: 'Linjer', addContact: 'Legg til kontakt',
  criteria: 'Bygg med kriterier', action: 'Handling', add: 'Legg til kontakter',
  reduce: 'Reduser kontakter', refine: 'Avgrens kontakter', field: 'Felt', value: 'Verdi',
  addFilter: 'Legg til filter', removeFilter: 'Fjern', run: 'Kjør', undo: 'Angre', redo: 'Gjør om',
  steps: 'Kriterietrinn', saveCriteria: 'Lagre kriterier', reuseCriteria: 'Bruk kriterier på nytt',
  criteriaCode: 'Kriteriekode', allContacts: 'alle kontakter', undone: 'angret', applyToAll: 'Bruk hodet på alle linjer (også tilpassede)',
  expandCompany: 'Utvid firmaer', allowRelatedCompanies: 'Tillat relaterte firmaer',
  entireCompanies: 'Hele firmaer',
  descriptionTyped: 'Skrevet inn: beholdes når malen endres (tøm feltet for å følge malen)',
  descriptionFollows: 'Følger linjens mal',
  ignoreExclusion: 'Ignorer utelatelse', allowExisting: 'Tillat eksisterende kontakter',
  log: 'Logg', logSegment: 'Loggfør segment', followUp: 'Opprett oppfølgingssegment',
  deliver: 'Send e-post (lever)', logging: 'Loggfører…',
  logged: 'Loggført som post {0}: {1} samhandlinger.', followUpCreated: 'Oppfølgingssegment {0} opprettet.',
  reuse: 'Gjenbruk', reused: 'Segment {0} opprettet fra det loggførte segmentet.',
  canceled: 'Annullert', personalised: 'Tilpasset', linesAdded: '{0} linjer lagt til.',
  linesRemoved: '{0} linjer fjernet.', role: 'Rolle', admin: 'Administrator', readOnly: 'Skrivebeskyttet',
  contact: 'Kontakt', salesperson: 'Selger', template: 'Mal', date: 'Dato', time: 'Klokkeslett',
  subject: 'Emne', cost: 'Kostnad', duration: 'Varighet (min)', evaluation: 'Evaluering',
  attemptFailed: 'Mislykket forsøk', correspondence: 'Korrespondansetype', entry: 'Post',
  name: 'Navn', city: 'Poststed', email: 'E-post', phone: 'Telefon', type: 'Type', code: 'Kode',
  group: 'Gruppe', unitCost: 'Enhetskostnad', unitDuration: 'Enhetsvarighet', campaign: 'Kampanje',
  language_code: 'Språkkode', status: 'Status', user_id: 'Bruker', segment: 'Segment',
  noOfLines: 'Linjer', fromEntry: 'Fra post', chooseContact: 'Velg en kontakt',
  error: 'Feil', loading: 'Laster…', all: 'Alle', salespersonCard: 'Selger',
  noOfInteractions: 'Samhandlinger', lastInteraction: 'Dato for siste samhandling',
  lastAttempted: 'Siste forsøksdato (av oss)',
  newTemplate: 'Ny mal', company: 'Firma', person: 'Person', skipToContent: 'Gå til innholdet',
  undoCancel: 'Angre annullering', deleteContact: 'Slett kontakt', withPersons: 'Slett også personene',
  deleteContactQ: 'Slette kontakt {0}?',
  eraseContact: 'Slett personopplysninger', eraseContactQ: 'Slette personopplysningene til kontakt {0}?',
  eraseContactHelp: 'Navn, adresser, numre, tekster i postene, lagrede meldinger og merknader fjernes for godt; postene blir stående for statistikken. Dette kan ikke angres.',
  erased: 'Personopplysningene til kontakt {0} er slettet.',
  deletePersonHelp: 'Samhandlingspostene flyttes til firmaet {0}.',
  deleteLonePersonHelp: 'Samhandlingspostene blir værende, uten kontakt.',
  deleteCompanyHelp: 'Samhandlingspostene blir værende, frikoblet fra firmaet.',
  deleteCompanyPersonsHelp: 'Personene slettes også; alle samhandlingspostene deres blir værende, frikoblet.',
  deleteLoggedQ: 'Slette loggført segment {0}?',
  deleteLoggedHelp: '{0} samhandlingsposter blir værende, frikoblet fra det.',
  loggedDeleted: 'Loggført segment {0} slettet: {1} samhandlingsposter beholdt.',
  delivery: 'Utsending', deliveryCounts: 'sendt {0} · venter {1} · feilet {2}',
  retryFailed: 'Prøv feilede på nytt', retried: '{0} poster lagt tilbake i utboksen.',
  deleteEntryQ: 'Slette kampanjepost {0}?',
  deleteEntryHelp: 'Samhandlingspostene slettes sammen med den.',
  entryDeleted: 'Kampanjepost {0} slettet med {1} samhandlingsposter.',
  deleteCampaign: 'Slett kampanje', deleteCampaignQ: 'Slette kampanje {0}?',
  deleteCampaignHelp: 'Kampanjepostene slettes; samhandlingspostene blir værende og beholder kampanjenummeret.',
};

const dicts = { en, nb };

function initial() {
  const saved = localStorage.getItem('relm.lang');
  if (saved && dicts[saved]) return saved;
  const langs = navigator.languages || [navigator.language || 'en'];
  for (const l of langs) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'nb' || base === 'no' || base === 'nn') return 'nb';
    if (base === 'en') return 'en';
  }
  return 'en';
}

let lang = initial();

export function getLang() {
  return lang;
}

export function setLang(l) {
  if (!dicts[l]) return;
  lang = l;
  localStorage.setItem('relm.lang', l);
  document.documentElement.lang = l;
}

export function t(key, ...args) {
  const s = dicts[lang][key] ?? en[key] ?? key;
  return s.replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)] ?? ''));
}

document.documentElement.lang = lang;
