/**
 * How the newsletter connector classifies the fields it reads. Mailchimp's
 * system columns are fixed (formats.md §4.1); merge fields and group columns
 * are the audience's own, so `check` reports any it does not know.
 */
import type { FieldDescription, FieldLogical, FieldValues } from '../../src/sources/contract.ts';
import { field as f, withLabels, withNameParts, type FieldLabels } from '../../src/sources/classify.ts';

/**
 * A member's status in words (formats.md §4.1: the export's file names
 * `subscribed`, `unsubscribed`, `cleaned`, `nonsubscribed`; the Marketing
 * API's `status` also `pending`, `transactional`, `archived`), and
 * beehiiv's (`active`, `inactive`, and its API's `validating`, `invalid`,
 * `pending`, `needs_attention`): both write the field `status`. Another
 * tool's status is its own text, shown as it is.
 */
export const MEMBER_STATUS: FieldValues = {
  subscribed: { sv: 'Prenumererar', en: 'Subscribed' },
  unsubscribed: { sv: 'Avregistrerad', en: 'Unsubscribed' },
  cleaned: { sv: 'Borttagen som ogiltig (e-post kom i retur)', en: 'Cleaned (removed: e-mail bounced)' },
  nonsubscribed: { sv: 'Prenumererar inte', en: 'Not subscribed' },
  'non-subscribed': { sv: 'Prenumererar inte', en: 'Not subscribed' },
  pending: { sv: 'Väntar på bekräftelse', en: 'Waiting for confirmation' },
  transactional: { sv: 'Får bara transaktionsmejl (prenumererar inte)', en: 'Transactional e-mail only (not subscribed)' },
  archived: { sv: 'Arkiverad', en: 'Archived' },
  active: { sv: 'Aktiv', en: 'Active' },
  inactive: { sv: 'Inaktiv', en: 'Inactive' },
  validating: { sv: 'E-postadressen kontrolleras', en: 'E-mail address being validated' },
  invalid: { sv: 'Ogiltig e-postadress', en: 'Invalid e-mail address' },
  needs_attention: { sv: 'Behöver åtgärdas', en: 'Needs attention' },
};

/**
 * What the letter calls Mailchimp's system columns: codes in capitals
 * (formats.md §4.1: `MEMBER_RATING` 1-5, `GMTOFF` hours, `LEID` and `EUID`
 * Mailchimp's ids). The contact columns (`First Name`) are words and keep
 * their names.
 */
export const MAILCHIMP_LABELS: FieldLabels = {
  MEMBER_RATING: ['Engagemang (Mailchimps betyg 1–5)', "Engagement (Mailchimp's rating, 1-5)"],
  OPTIN_TIME: ['Anmäld', 'Signed up'],
  OPTIN_IP: ['IP-adress vid anmälan', 'IP address at sign-up'],
  CONFIRM_TIME: ['Anmälan bekräftad', 'Sign-up confirmed'],
  CONFIRM_IP: ['IP-adress vid bekräftelsen', 'IP address at confirmation'],
  LATITUDE: ['Latitud (från IP-adressen)', 'Latitude (from the IP address)'],
  LONGITUDE: ['Longitud (från IP-adressen)', 'Longitude (from the IP address)'],
  GMTOFF: ['Tidszon: timmar från UTC', 'Time zone: hours from UTC'],
  DSTOFF: ['Tidszon: timmar från UTC på sommaren', 'Time zone: hours from UTC in summer'],
  TIMEZONE: ['Tidszon', 'Time zone'],
  CC: ['Land (kod)', 'Country (code)'],
  REGION: ['Region (kod)', 'Region (code)'],
  LAST_CHANGED: ['Senast ändrad', 'Last changed'],
  LEID: ['Id i Mailchimp (som prenumerant på listan)', 'Id in Mailchimp (as a member of the list)'],
  EUID: ['Id i Mailchimp (för e-postadressen)', 'Id in Mailchimp (of the e-mail address)'],
  NOTES: ['Anteckningar', 'Notes'],
  TAGS: ['Taggar', 'Tags'],
  UNSUB_TIME: ['Avanmäld', 'Unsubscribed'],
  UNSUB_CAMPAIGN_TITLE: ['Avanmäld från utskicket', 'Unsubscribed from the campaign'],
  UNSUB_CAMPAIGN_ID: ['Avanmäld från utskicket (id i Mailchimp)', 'Unsubscribed from the campaign (id in Mailchimp)'],
  UNSUB_REASON: ['Skäl till avanmälan', 'Reason for unsubscribing'],
  UNSUB_REASON_OTHER: ['Skäl till avanmälan (eget)', 'Reason for unsubscribing (own words)'],
  CLEAN_TIME: ['Borttagen ur listan (e-post kom i retur)', 'Removed from the list (e-mail bounced)'],
  CLEAN_CAMPAIGN_TITLE: ['Borttagen vid utskicket', 'Removed at the campaign'],
  CLEAN_CAMPAIGN_ID: ['Borttagen vid utskicket (id i Mailchimp)', 'Removed at the campaign (id in Mailchimp)'],
  CONFIRM_STATUS: ['Bekräftelse', 'Confirmation'],
  SOURCE: ['Källa', 'Source'],
  status: { sv: 'Prenumerationens status', en: 'Subscription status', values: MEMBER_STATUS },
};

/** beehiiv's yes or no in its tier columns (`Free Tier` `Yes`). */
const BEEHIIV_YES_NO: FieldLogical = { yes: ['Yes'], no: ['No'] };

/** What the letter calls beehiiv's columns whose values are codes (the real samples' `beehiiv_members.csv`). */
export const BEEHIIV_LABELS: FieldLabels = {
  tier: {
    sv: 'Prenumerationsnivå',
    en: 'Subscription tier',
    values: { free: { sv: 'Gratis', en: 'Free' }, premium: { sv: 'Betald', en: 'Paid (premium)' } },
  },
  'Free Tier': { sv: 'Nivå: gratis', en: 'Tier: free', logical: BEEHIIV_YES_NO },
  'Bronze Tier': { sv: 'Nivå: brons', en: 'Tier: bronze', logical: BEEHIIV_YES_NO },
  'Silver Tier': { sv: 'Nivå: silver', en: 'Tier: silver', logical: BEEHIIV_YES_NO },
  'Gold Tier': { sv: 'Nivå: guld', en: 'Tier: gold', logical: BEEHIIV_YES_NO },
};

export const MAILCHIMP_FIELDS: FieldDescription[] = withNameParts(withLabels([
  f('Email Address', 'contact', true, 'email'),
  f('First Name', 'identity', true, 'name'),
  f('Last Name', 'identity', true, 'name'),
  f('Address', 'contact', true, 'address'),
  f('Phone Number', 'contact', true, 'phone'),
  f('Birthday', 'identity', true),
  f('Company', 'professional', true, 'company'),
  f('Position', 'professional', true),
  f('ZIP Code', 'contact', true),
  f('MEMBER_RATING', 'newsletter-engagement', true, undefined, 'Mailchimp star rating of engagement (1-5)'),
  f('OPTIN_TIME', 'consent', true),
  f('OPTIN_IP', 'network', true, 'ip'),
  f('CONFIRM_TIME', 'consent', true),
  f('CONFIRM_IP', 'network', true, 'ip'),
  f('LATITUDE', 'location', true),
  f('LONGITUDE', 'location', true),
  f('GMTOFF', 'location', true),
  f('DSTOFF', 'location', true),
  f('TIMEZONE', 'location', true),
  f('CC', 'location', true),
  f('REGION', 'location', true),
  f('LAST_CHANGED', 'system-id', true),
  f('LEID', 'system-id', true, 'systemId'),
  f('EUID', 'system-id', true, 'systemId'),
  f('NOTES', 'interaction', true),
  f('TAGS', 'interest', true),
  f('UNSUB_TIME', 'consent', true),
  f('UNSUB_CAMPAIGN_TITLE', 'consent', true),
  f('UNSUB_CAMPAIGN_ID', 'consent', true),
  f('UNSUB_REASON', 'consent', true),
  f('UNSUB_REASON_OTHER', 'consent', true),
  f('CLEAN_TIME', 'consent', true),
  f('CLEAN_CAMPAIGN_TITLE', 'consent', true),
  f('CLEAN_CAMPAIGN_ID', 'consent', true),
  f('CONFIRM_STATUS', 'consent', true),
  f('SOURCE', 'consent', true),
  f('status', 'consent', true, undefined, 'Subscription status, from the export file name'),
], MAILCHIMP_LABELS), {
  'First Name': 'first', 'Last Name': 'last',
});

/** Common column names of APSIS, Rule and Get a Newsletter exports (formats.md §4.2, layouts [U]). */
export const MAPPED_FIELDS: FieldDescription[] = withNameParts(withLabels([
  f('Email', 'contact', true, 'email'),
  f('email', 'contact', true, 'email'),
  f('E-post', 'contact', true, 'email'),
  f('Mobile', 'contact', true, 'phone'),
  f('phone_number', 'contact', true, 'phone'),
  f('First name', 'identity', true, 'name'),
  f('Last name', 'identity', true, 'name'),
  f('Förnamn', 'identity', true, 'name'),
  f('Efternamn', 'identity', true, 'name'),
  f('Subscriber.FirstName', 'identity', true, 'name'),
  f('Subscriber.LastName', 'identity', true, 'name'),
  f('Profile key', 'system-id', true, 'systemId'),
  f('id', 'system-id', true, 'systemId'),
  f('Created', 'consent', true),
  f('created_at', 'consent', true),
  f('Skapad', 'consent', true),
  f('Status', 'consent', true),
  f('Listor', 'interest', true),
  f('Lists', 'interest', true),
  f('tags', 'interest', true),
  // beehiiv (First Name, Last Name and status are Mailchimp's columns too)
  f('tier', 'customer-account', true, undefined, 'Free or paid subscription'),
  f('stripe_customer_id', 'customer-account', true, undefined, 'The subscriber\'s customer in Stripe (payments of a paid subscription)'),
  f('Free Tier', 'customer-account', true),
  f('Bronze Tier', 'customer-account', true),
  f('Silver Tier', 'customer-account', true),
  f('Gold Tier', 'customer-account', true),
  f('unsubscribed_at', 'consent', true),
  f('Subscription Date (Substack)', 'consent', true, undefined, 'When the subscriber signed up on Substack, before moving to beehiiv'),
], BEEHIIV_LABELS), {
  'First name': 'first', 'Last name': 'last', 'Förnamn': 'first', Efternamn: 'last', 'Subscriber.FirstName': 'first', 'Subscriber.LastName': 'last',
});

/** What the letter calls the parts of Mailchimp's activity list (one item per open, click or bounce). */
export const ACTIVITY_LABELS: FieldLabels = {
  campaign_id: ['Utskickets id i Mailchimp', 'Campaign id in Mailchimp'],
  list_id: ['Listans id i Mailchimp', 'List id in Mailchimp'],
  email_id: ['Id i Mailchimp (för e-postadressen)', 'Id in Mailchimp (of the e-mail address)'],
  email_address: ['E-postadress', 'E-mail address'],
  activity: ['Öppningar och klick', 'Opens and clicks'],
  'activity.action': {
    sv: 'Händelse',
    en: 'Action',
    values: { open: { sv: 'Öppnade', en: 'Opened' }, click: { sv: 'Klickade på en länk', en: 'Clicked a link' }, bounce: { sv: 'Kom i retur', en: 'Bounced' } },
  },
  'activity.type': {
    sv: 'Typ',
    en: 'Type',
    values: { hard: { sv: 'Permanent (adressen tar inte emot e-post)', en: 'Hard (the address does not take e-mail)' }, soft: { sv: 'Tillfällig', en: 'Soft (temporary)' } },
  },
  'activity.timestamp': ['Tidpunkt', 'Time', 'date'],
  'activity.url': ['Länk som klickades', 'Link clicked'],
  'activity.ip': ['IP-adress', 'IP address'],
};

export const ACTIVITY_FIELDS: FieldDescription[] = withLabels([
  f('campaign_id', 'newsletter-engagement', false),
  f('list_id', 'system-id', false),
  f('list_is_active', 'none', false),
  f('email_id', 'system-id', true, 'systemId', 'MD5 of the lower-cased e-mail address (the subscriber hash)'),
  f('email_address', 'contact', true, 'email'),
  f('activity', 'newsletter-engagement', true, undefined, 'Opens, clicks and bounces with time, URL and IP address'),
  f('_links', 'none', false),
], ACTIVITY_LABELS);
