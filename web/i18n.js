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
  confirmDeleteCanceled: 'Delete {0} canceled entries?', confirmDeleteCanceled_one: 'Delete 1 canceled entry?',
  confirmDeleteCanceledHelp: 'They are deleted with their comment lines; this cannot be undone.',
  noCanceledMatch: 'No canceled entries match.', comments: 'Comments',
  commentsHelp: 'One comment line per line of text.', comment: 'Comment', addComment: 'Add comment',
  commentsOf: 'Comments on entry {0}', line: 'Line',
  deletedCount: '{0} canceled entries deleted.', deletedCount_one: '1 canceled entry deleted.', finishLater: 'Do you want to finish this interaction later?',
  finishLaterHelp: 'Finish later keeps it as a postponed interaction; Discard throws away what you filled in; Keep editing (or Escape) goes back to it.',
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
  canceled: 'Canceled', personalised: 'Personalised', linesAdded: '{0} lines added.', linesAdded_one: '1 line added.', linesRemoved_one: '1 line removed.',
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
  filterLog: 'Filter the log', applyFilter: 'Show', clearFilter: 'Clear filters', active: 'Active',
  firstName: 'First name', surname: 'Surname', address: 'Address', mobilePhone: 'Mobile phone',
  excludeFromSegment: 'Exclude from segments', saveContact: 'Save contact', createContact: 'Create contact',
  discardQ: 'Discard what you typed?', contactSaved: 'Contact {0} saved.', contactCreated: 'Contact {0} created.',
  editContactTitle: 'Edit contact {0}', newContact: 'New contact', editContact: 'Edit contact',
  home: 'Home', myPostponed: 'My postponed interactions', noPostponed: 'No postponed interactions.',
  recentInteractions: 'Recent interactions', activeSegments: 'Segments being built', welcome: 'Welcome, {0}',
  findContact: 'Find a contact',
  postponedState: 'Postponed', delivery: 'Delivery', deliveredAt: 'Delivered', contactVia: 'Sent to',
  deliveryError: 'Delivery error', deliveryAttempts: 'Delivery attempts', messageId: 'Message ID',
  'storage.embedded': 'In the database', 'storage.disk': 'On disk',
  warning: 'Note',
  informationFlow: 'Information flow', initiatedBy: 'Initiated by',
  ignoreContactCorresp: 'Ignore the contact’s correspondence type', campaignTarget: 'Campaign target',
  campaignResponse: 'Campaign response', saveTemplate: 'Save template', templateSaved: 'Template {0} saved.',
  'flow.outbound': 'Outbound', 'flow.inbound': 'Inbound', 'init.us': 'Us', 'init.them': 'Them',
  languageVariants: 'Language variants', noVariants: 'No language variants.', addVariant: 'Add language variant',
  deleteVariantQ: 'Delete language variant {0}?', variantDeleted: 'Language variant {0} deleted.',
  variantSaved: 'Language variant {0} saved.', templateOwn: 'The template’s own', attachmentBody: 'Attachment body',
  mergeHelp: 'Merge fields such as {{contact.name}} and {{salesperson.name}} are filled in for each contact.', saveBody: 'Save body',
  bodySaved: 'Body for {0} saved.',
  mergePreview: 'Merge preview', previewContact: 'Preview for contact',
  previewPick: 'Pick a contact to see the body above merged for them.',
  users: 'Users', fullName: 'Full name', disabled: 'Disabled', selectCol: 'Select',
  usersHelp: 'Accounts and API tokens are created, changed and revoked on the server with “relm user”.',
  deleteContactsCount: 'This deletes {0} contacts.', deleteContactsCount_one: 'This deletes 1 contact.',
  numberCol: 'No.', lineNo: 'Line', noName: 'Unknown', working: 'Working…',
  pickerHelp: 'Type a name, number, e-mail or city; choose with the arrow keys and Enter.',
  pickerNone: 'No match.', pickerResults: '{0} matches',
  keepEditing: 'Keep editing', keepAsIs: 'Leave it as it is', finishLaterYes: 'Yes, finish later', discard: 'No, discard',
  confirmCancelEntriesQ: 'Cancel {0} selected entries?', confirmCancelEntriesQ_one: 'Cancel 1 selected entry?',
  confirmCancelEntriesHelp: 'Canceled entries stay in the log; select them again and choose Undo cancel to restore them.',
  cancelEntriesToggleHelp: 'Already canceled entries in the selection are restored instead.',
  entriesCanceled: '{0} entries canceled or restored.', entriesCanceled_one: '1 entry canceled or restored.',
  selectFirst: 'Select entries first.',
  deletePostponedQ: 'Delete postponed interaction {0}?',
  deletePostponedHelp: 'It is deleted with its comment lines; this cannot be undone.',
  postponedDeleted: 'Postponed interaction {0} deleted.',
  cancelLoggedQ: 'Cancel logged segment {0}?',
  cancelLoggedHelp: 'Its {0} interaction log entries are canceled too.',
  cancelLoggedHelp_one: 'Its interaction log entry is canceled too.',
  undoCancelLoggedQ: 'Undo the cancel of logged segment {0}?',
  undoCancelLoggedHelp: 'Its {0} interaction log entries become active again.',
  undoCancelLoggedHelp_one: 'Its interaction log entry becomes active again.',
  loggedCanceled: 'Logged segment {0} canceled with {1} interaction log entries.',
  loggedRestored: 'Logged segment {0} is active again with {1} interaction log entries.',
  cancelCampaignEntryQ: 'Cancel campaign entry {0}?',
  cancelCampaignEntryHelp: 'Its interaction log entries are canceled with it.',
  campaignEntryCanceled: 'Campaign entry {0} canceled.', campaignEntryRestored: 'Campaign entry {0} is active again.',
  contactDeleted: 'Contact {0} deleted.', campaignDeleted: 'Campaign {0} deleted.',
  deleteTemplateQ: 'Delete template {0}?', deleteTemplateHelp: 'Entries logged with it keep its code.',
  templateDeleted: 'Template {0} deleted.', templateCreated: 'Template {0} created.',
  setupSaved: 'Marketing setup saved.', setupUnchanged: 'Nothing was changed.',
  evaluationSaved: 'Entry {0} evaluated: {1}.', commentAdded: 'Comment added to entry {0}.',
  commentDeleted: 'Comment line deleted.', headerSaved: 'Segment {0} saved.',
  lineSaved: 'Line {0} saved.', lineRemoved: 'Line {0} removed (Undo brings it back).',
  removeLine: 'Remove line', criteriaSaved: 'Criteria {0} saved.',
  criteriaReused: 'Criteria {0} run on segment {1}.', undoneStep: 'Last step undone.', redoneStep: 'Step redone.',
  loggedSegment: 'Logged segment {0}', entries: 'Interaction log entries',
  loggedGone: 'The segment is logged and no longer exists; these are its interaction log entries.',
  createdAt: 'Logged at', opHelp: 'Operators: = equals, ≠ differs, ~ contains, < > compare.',
  operator: 'Operator', subjectCol: 'Subject', noEntries: 'No entries.',
  entryDetail: 'Entry {0}', segmentsLink: 'Segments',
  errRequired: '{0} is required.', errNotFound: '{0}: “{1}” does not exist. Choose from the list.',
  errNumber: '{0}: enter a number with at most two decimals.', errDate: '{0}: enter a valid date.',
  errTime: '{0}: enter a valid time (hh:mm).', errChoice: '{0}: choose one of the listed values.',
  errTooLong: '{0} is too long.', errEmail: '{0}: enter a valid e-mail address.',
  'code.not_found': 'Not found.', 'code.validation': 'The value is not accepted.',
  'code.conflict': 'Someone else changed this record; reload and try again.',
  'code.no_numbers_left': 'The number series has no numbers left.',
  'code.manual_nos_not_allowed': 'Numbers cannot be typed here.',
  'code.privacy_blocked': 'The contact is blocked for privacy reasons.',
  'code.missing_email': 'The contact has no e-mail address.', 'code.segment_empty': 'The segment has no lines.',
  'code.missing_template': 'An interaction template is required.',
  'code.setup_missing': 'The marketing setup is missing.', 'code.in_use': 'The record is in use and cannot be deleted.',
  'code.already_exists': 'A record with this key already exists.', 'code.missing_fax': 'The contact has no fax number.',
  'code.date_order': 'The starting date is after the ending date.',
  'code.missing_salesperson': 'A salesperson is required.', 'code.unauthenticated': 'Unknown user or wrong password.',
  'code.forbidden': 'Your role does not allow this.', 'code.too_many_attempts': 'Too many attempts; wait a moment.',
  'code.error': 'Something went wrong.', serverSays: 'Server message',
  'corr.hard_copy': 'Paper', 'corr.email': 'E-mail', 'corr.fax': 'Fax',
  'eval.very_positive': 'Very positive', 'eval.positive': 'Positive', 'eval.neutral': 'Neutral',
  'eval.negative': 'Negative', 'eval.very_negative': 'Very negative',
  'role.admin': 'Administrator', 'role.user': 'User', 'role.readonly': 'Read only', 'role.read_only': 'Read only',
  'fld.name': 'Name', 'fld.city': 'City', 'fld.country_code': 'Country', 'fld.post_code': 'Post code',
  'fld.county': 'County', 'fld.type': 'Type', 'fld.salesperson_code': 'Salesperson',
  'fld.territory_code': 'Territory', 'fld.language_code': 'Language code', 'fld.company_no': 'Company',
  'fld.job_title': 'Job title', 'fld.correspondence_type': 'Correspondence type', 'fld.email': 'E-mail',
  'fld.no': 'Contact no.',
  'op.=': 'equals', 'op.!=': 'differs from', 'op.~': 'contains', 'op.<': 'less than',
  'op.<=': 'at most', 'op.>': 'greater than', 'op.>=': 'at least',
  'setup.contact_nos': 'Contact number series', 'setup.segment_nos': 'Segment number series',
  'setup.campaign_nos': 'Campaign number series', 'setup.opportunity_nos': 'Opportunity number series',
  'setup.task_nos': 'Task number series', 'setup.default_language_code': 'Default language code',
  'setup.default_correspondence_type': 'Default correspondence type',
  'setup.default_salesperson_code': 'Default salesperson',
  'setup.inherit_salesperson_code': 'Persons inherit the company’s salesperson',
  'setup.inherit_address_details': 'Persons inherit the company’s address',
  'setup.attachment_storage': 'Attachment storage', 'setup.attachment_storage_path': 'Attachment storage path',
  'setup.smtp_url': 'Mail server (SMTP URL)', 'setup.smtp_user': 'Mail server user',
  'setup.sender_email': 'Sender e-mail address',
  'setup.inbound_email_template_code': 'Template for incoming e-mail',
  'setup.outbound_email_template_code': 'Template for outgoing e-mail',
  'status.ACTIVE': 'Active',
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
  confirmDeleteCanceled: 'Slette {0} annullerte poster?', confirmDeleteCanceled_one: 'Slette 1 annullert post?',
  confirmDeleteCanceledHelp: 'De slettes med sine merknadslinjer; dette kan ikke angres.',
  noCanceledMatch: 'Ingen annullerte poster passer.', comments: 'Merknader',
  commentsHelp: 'Én merknadslinje per tekstlinje.', comment: 'Merknad', addComment: 'Legg til merknad',
  commentsOf: 'Merknader til post {0}', line: 'Linje',
  deletedCount: '{0} annullerte poster slettet.', deletedCount_one: '1 annullert post slettet.', finishLater: 'Vil du fullføre denne samhandlingen senere?',
  finishLaterHelp: 'Fullfør senere lagrer den som en utsatt samhandling; Forkast kaster det du har fylt ut; Fortsett å redigere (eller Escape) går tilbake til den.',
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
  canceled: 'Annullert', personalised: 'Tilpasset', linesAdded: '{0} linjer lagt til.', linesAdded_one: '1 linje lagt til.', linesRemoved_one: '1 linje fjernet.',
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
  filterLog: 'Filtrer loggen', applyFilter: 'Vis', clearFilter: 'Fjern filtrene', active: 'Aktive',
  firstName: 'Fornavn', surname: 'Etternavn', address: 'Adresse', mobilePhone: 'Mobiltelefon',
  excludeFromSegment: 'Utelat fra segmenter', saveContact: 'Lagre kontakten', createContact: 'Opprett kontakt',
  discardQ: 'Forkaste det du har skrevet?', contactSaved: 'Kontakt {0} lagret.', contactCreated: 'Kontakt {0} opprettet.',
  editContactTitle: 'Rediger kontakt {0}', newContact: 'Ny kontakt', editContact: 'Rediger kontakt',
  home: 'Hjem', myPostponed: 'Mine utsatte samhandlinger', noPostponed: 'Ingen utsatte samhandlinger.',
  recentInteractions: 'Siste samhandlinger', activeSegments: 'Segmenter under arbeid', welcome: 'Velkommen, {0}',
  findContact: 'Finn en kontakt',
  postponedState: 'Utsatt', delivery: 'Levering', deliveredAt: 'Levert', contactVia: 'Sendt til',
  deliveryError: 'Leveringsfeil', deliveryAttempts: 'Leveringsforsøk', messageId: 'Meldings-ID',
  'storage.embedded': 'I databasen', 'storage.disk': 'På disk',
  warning: 'Merk',
  informationFlow: 'Informasjonsflyt', initiatedBy: 'Initiert av',
  ignoreContactCorresp: 'Overse kontaktens korrespondansetype', campaignTarget: 'Kampanjemål',
  campaignResponse: 'Kampanjesvar', saveTemplate: 'Lagre malen', templateSaved: 'Mal {0} lagret.',
  'flow.outbound': 'Utgående', 'flow.inbound': 'Innkommende', 'init.us': 'Oss', 'init.them': 'Dem',
  languageVariants: 'Språkvarianter', noVariants: 'Ingen språkvarianter.', addVariant: 'Legg til språkvariant',
  deleteVariantQ: 'Slette språkvariant {0}?', variantDeleted: 'Språkvariant {0} slettet.',
  variantSaved: 'Språkvariant {0} lagret.', templateOwn: 'Malens egen', attachmentBody: 'Vedleggstekst',
  mergeHelp: 'Flettefelt som {{contact.name}} og {{salesperson.name}} fylles ut for hver kontakt.', saveBody: 'Lagre teksten',
  bodySaved: 'Teksten for {0} er lagret.',
  mergePreview: 'Forhåndsvisning av flettingen', previewContact: 'Forhåndsvis for kontakt',
  previewPick: 'Velg en kontakt for å se teksten over flettet for den.',
  users: 'Brukere', fullName: 'Fullt navn', disabled: 'Deaktivert', selectCol: 'Velg',
  usersHelp: 'Kontoer og API-nøkler opprettes, endres og trekkes tilbake på serveren med «relm user».',
  deleteContactsCount: 'Dette sletter {0} kontakter.', deleteContactsCount_one: 'Dette sletter 1 kontakt.',
  numberCol: 'Nr.', lineNo: 'Linje', noName: 'Ukjent', working: 'Arbeider…',
  pickerHelp: 'Skriv navn, nummer, e-post eller poststed; velg med piltastene og Enter.',
  pickerNone: 'Ingen treff.', pickerResults: '{0} treff',
  keepEditing: 'Fortsett å redigere', keepAsIs: 'La det være som det er', finishLaterYes: 'Ja, fullfør senere', discard: 'Nei, forkast',
  confirmCancelEntriesQ: 'Annullere {0} valgte poster?', confirmCancelEntriesQ_one: 'Annullere 1 valgt post?',
  confirmCancelEntriesHelp: 'Annullerte poster blir stående i loggen; velg dem igjen og velg Angre annullering for å gjenopprette dem.',
  cancelEntriesToggleHelp: 'Poster i utvalget som allerede er annullert, gjenopprettes i stedet.',
  entriesCanceled: '{0} poster annullert eller gjenopprettet.', entriesCanceled_one: '1 post annullert eller gjenopprettet.',
  selectFirst: 'Velg poster først.',
  deletePostponedQ: 'Slette utsatt samhandling {0}?',
  deletePostponedHelp: 'Den slettes med sine merknadslinjer; dette kan ikke angres.',
  postponedDeleted: 'Utsatt samhandling {0} slettet.',
  cancelLoggedQ: 'Annullere loggført segment {0}?',
  cancelLoggedHelp: 'De {0} samhandlingspostene annulleres også.',
  cancelLoggedHelp_one: 'Samhandlingsposten annulleres også.',
  undoCancelLoggedQ: 'Angre annulleringen av loggført segment {0}?',
  undoCancelLoggedHelp: 'De {0} samhandlingspostene blir aktive igjen.',
  undoCancelLoggedHelp_one: 'Samhandlingsposten blir aktiv igjen.',
  loggedCanceled: 'Loggført segment {0} annullert med {1} samhandlingsposter.',
  loggedRestored: 'Loggført segment {0} er aktivt igjen med {1} samhandlingsposter.',
  cancelCampaignEntryQ: 'Annullere kampanjepost {0}?',
  cancelCampaignEntryHelp: 'Samhandlingspostene annulleres sammen med den.',
  campaignEntryCanceled: 'Kampanjepost {0} annullert.', campaignEntryRestored: 'Kampanjepost {0} er aktiv igjen.',
  contactDeleted: 'Kontakt {0} slettet.', campaignDeleted: 'Kampanje {0} slettet.',
  deleteTemplateQ: 'Slette mal {0}?', deleteTemplateHelp: 'Poster som er loggført med den, beholder koden.',
  templateDeleted: 'Mal {0} slettet.', templateCreated: 'Mal {0} opprettet.',
  setupSaved: 'Markedsføringsoppsettet er lagret.', setupUnchanged: 'Ingenting ble endret.',
  evaluationSaved: 'Post {0} evaluert: {1}.', commentAdded: 'Merknad lagt til post {0}.',
  commentDeleted: 'Merknadslinjen er slettet.', headerSaved: 'Segment {0} lagret.',
  lineSaved: 'Linje {0} lagret.', lineRemoved: 'Linje {0} fjernet (Angre henter den tilbake).',
  removeLine: 'Fjern linje', criteriaSaved: 'Kriteriene {0} er lagret.',
  criteriaReused: 'Kriteriene {0} er kjørt på segment {1}.', undoneStep: 'Siste trinn angret.', redoneStep: 'Trinnet er gjort om.',
  loggedSegment: 'Loggført segment {0}', entries: 'Samhandlingsposter',
  loggedGone: 'Segmentet er loggført og finnes ikke lenger; dette er samhandlingspostene.',
  createdAt: 'Loggført', opHelp: 'Operatorer: = er lik, ≠ er ulik, ~ inneholder, < > sammenligner.',
  operator: 'Operator', subjectCol: 'Emne', noEntries: 'Ingen poster.',
  entryDetail: 'Post {0}', segmentsLink: 'Segmenter',
  errRequired: '{0} må fylles ut.', errNotFound: '{0}: «{1}» finnes ikke. Velg fra listen.',
  errNumber: '{0}: skriv et tall med høyst to desimaler.', errDate: '{0}: skriv en gyldig dato.',
  errTime: '{0}: skriv et gyldig klokkeslett (tt:mm).', errChoice: '{0}: velg en av verdiene i listen.',
  errTooLong: '{0} er for lang.', errEmail: '{0}: skriv en gyldig e-postadresse.',
  'code.not_found': 'Finnes ikke.', 'code.validation': 'Verdien godtas ikke.',
  'code.conflict': 'Noen andre har endret denne posten; last inn på nytt og prøv igjen.',
  'code.no_numbers_left': 'Nummerserien er brukt opp.',
  'code.manual_nos_not_allowed': 'Numre kan ikke skrives inn her.',
  'code.privacy_blocked': 'Kontakten er sperret av personvernhensyn.',
  'code.missing_email': 'Kontakten har ingen e-postadresse.', 'code.segment_empty': 'Segmentet har ingen linjer.',
  'code.missing_template': 'En samhandlingsmal må velges.',
  'code.setup_missing': 'Markedsføringsoppsettet mangler.', 'code.in_use': 'Posten er i bruk og kan ikke slettes.',
  'code.already_exists': 'Det finnes allerede en post med denne nøkkelen.', 'code.missing_fax': 'Kontakten har ikke faksnummer.',
  'code.date_order': 'Startdatoen er etter sluttdatoen.',
  'code.missing_salesperson': 'En selger må velges.', 'code.unauthenticated': 'Ukjent bruker eller feil passord.',
  'code.forbidden': 'Rollen din tillater ikke dette.', 'code.too_many_attempts': 'For mange forsøk; vent litt.',
  'code.error': 'Noe gikk galt.', serverSays: 'Melding fra serveren',
  'corr.hard_copy': 'Papir', 'corr.email': 'E-post', 'corr.fax': 'Faks',
  'eval.very_positive': 'Svært positiv', 'eval.positive': 'Positiv', 'eval.neutral': 'Nøytral',
  'eval.negative': 'Negativ', 'eval.very_negative': 'Svært negativ',
  'role.admin': 'Administrator', 'role.user': 'Bruker', 'role.readonly': 'Kun lesing', 'role.read_only': 'Kun lesing',
  'fld.name': 'Navn', 'fld.city': 'Poststed', 'fld.country_code': 'Land', 'fld.post_code': 'Postnummer',
  'fld.county': 'Fylke', 'fld.type': 'Type', 'fld.salesperson_code': 'Selger',
  'fld.territory_code': 'Distrikt', 'fld.language_code': 'Språkkode', 'fld.company_no': 'Firma',
  'fld.job_title': 'Stilling', 'fld.correspondence_type': 'Korrespondansetype', 'fld.email': 'E-post',
  'fld.no': 'Kontaktnr.',
  'op.=': 'er lik', 'op.!=': 'er ulik', 'op.~': 'inneholder', 'op.<': 'mindre enn',
  'op.<=': 'høyst', 'op.>': 'større enn', 'op.>=': 'minst',
  'setup.contact_nos': 'Nummerserie for kontakter', 'setup.segment_nos': 'Nummerserie for segmenter',
  'setup.campaign_nos': 'Nummerserie for kampanjer', 'setup.opportunity_nos': 'Nummerserie for salgsmuligheter',
  'setup.task_nos': 'Nummerserie for oppgaver', 'setup.default_language_code': 'Standard språkkode',
  'setup.default_correspondence_type': 'Standard korrespondansetype',
  'setup.default_salesperson_code': 'Standard selger',
  'setup.inherit_salesperson_code': 'Personer arver firmaets selger',
  'setup.inherit_address_details': 'Personer arver firmaets adresse',
  'setup.attachment_storage': 'Lagring av vedlegg', 'setup.attachment_storage_path': 'Lagringssti for vedlegg',
  'setup.smtp_url': 'E-postserver (SMTP-URL)', 'setup.smtp_user': 'Bruker på e-postserveren',
  'setup.sender_email': 'Avsenderens e-postadresse',
  'setup.inbound_email_template_code': 'Mal for innkommende e-post',
  'setup.outbound_email_template_code': 'Mal for utgående e-post',
  'status.ACTIVE': 'Aktiv',
};

export const dicts = { en, nb };

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

const locales = { en: 'en-GB', nb: 'nb-NO' };

export function locale() {
  return locales[lang];
}

// t() with the plural form of n chosen by Intl.PluralRules: key_one when it exists and
// n takes the "one" form; {0} is n, {1}, ... the further args.
export function tn(key, n, ...args) {
  const form = new Intl.PluralRules(locale()).select(Number(n));
  const k = form === 'one' && (dicts[lang][`${key}_one`] ?? en[`${key}_one`]) ? `${key}_one` : key;
  return t(k, fmtInt(n), ...args);
}

// A stored value as words ("hard_copy" as "Paper"): kind is the table's prefix (corr,
// eval, fld, op, role, setup, status); an unknown value is shown as it is.
export function tv(kind, value) {
  if (value === undefined || value === null || value === '') return '';
  const k = `${kind}.${value}`;
  return dicts[lang][k] ?? en[k] ?? String(value);
}

export function fmtInt(n) {
  return new Intl.NumberFormat(locale()).format(Number(n));
}

// "12.50" (the API's decimal text) in the user's notation with two decimals.
export function fmtNum(v) {
  if (v === undefined || v === null || v === '') return '';
  const n = Number(v);
  if (Number.isNaN(n)) return String(v);
  return new Intl.NumberFormat(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
}

// "2026-03-15" as a local date; times ("2026-11-28T19:11:47Z") with hours and minutes.
export function fmtDate(v) {
  if (!v) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (m) {
    const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium' }).format(d);
  }
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return String(v);
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}
