/**
 * How the google-analytics connector classifies the fields it reads.
 *
 * The BigQuery columns are Google's GA4 event schema (formats.md §5.2;
 * developers.google.com/analytics/bigquery/event-schema). Fivetran's
 * flattened EVENT table names a record's sub-field `<record>_<field>`
 * (`geo_city`, `device_category`), drops the `event_` prefix of the event
 * columns (`name`, `date`, `timestamp`) and unwraps each event parameter
 * into a column `param_<key>` (Fivetran "Columns" sync mode); the names
 * outside fivetran/dbt_ga4_export's column list are inferred [U].
 */
import type { IdentifierKind } from '../../src/core/identity/kinds.ts';
import type { FieldDescription } from '../../src/sources/contract.ts';
import { withLabels, type FieldLabels } from '../../src/sources/classify.ts';

const f = (name: string, category: string, personal: boolean, identifier?: IdentifierKind, description?: string): FieldDescription => ({
  name,
  category,
  personal,
  ...(identifier ? { identifier } : {}),
  ...(description ? { description } : {}),
});

/** The kinds a site's `user_id` can be (option `userIdKind`), with the data category it then has. */
export const USER_ID_KINDS = ['userId', 'customerNo', 'email', 'systemId'] as const;
export type UserIdKind = (typeof USER_ID_KINDS)[number];

const USER_ID_CATEGORY: Record<UserIdKind, string> = {
  userId: 'system-id',
  customerNo: 'customer-account',
  email: 'contact',
  systemId: 'system-id',
};

export function userIdField(kind: UserIdKind): FieldDescription {
  return withLabels([f('user_id', USER_ID_CATEGORY[kind], true, kind, `The id the site gives a logged-in visitor (read as ${kind})`)], GA_LABELS)[0]!;
}

export const PSEUDO_ID_DESCRIPTION =
  'The GA client id (the last two parts of the _ga cookie) on the web; the app instance id in apps, which is read as a GA4 system id';

/**
 * What the letter to the person calls GA4's columns, and the dates among
 * them: BigQuery's event_date is `20250512`, its timestamps microseconds
 * since 1970 (Google's event schema); Fivetran's `date` and `timestamp`
 * are the same without the prefix.
 */
/** GA4's privacy_info values (`Yes`, `No`; anything else, such as an empty value, is shown as it is). */
const GA_YES_NO = { yes: ['Yes'], no: ['No'] } as const;

export const GA_LABELS: FieldLabels = {
  event_date: ['Datum för händelsen', 'Date of the event', 'date'],
  event_timestamp: ['Tidpunkt för händelsen', 'Time of the event', 'unix-micros'],
  event_previous_timestamp: ['Tidpunkt för föregående händelse', 'Time of the previous event', 'unix-micros'],
  event_name: ['Händelse', 'Event'],
  event_value_in_usd: ['Händelsens värde (USD)', 'Value of the event (USD)'],
  // Google's bookkeeping of how events reached it: numbers in a sequence, not about the person as such.
  event_bundle_sequence_id: ['Löpnummer för sändningen till Google', 'Sequence number of the upload to Google'],
  event_server_timestamp_offset: ['Skillnad mellan enhetens och Googles klocka (mikrosekunder)', "Difference between the device's and Google's clocks (microseconds)"],
  batch_event_index: ['Händelsens plats i sändningen', "The event's place in the upload"],
  batch_ordering_id: ['Sändningens nummer', 'Number of the upload'],
  batch_page_id: ['Sidans nummer i sändningen', "The page's number in the upload"],
  is_active_user: ['Aktiv användare', 'Active user'],
  // A parameter is {key, value: {string_value | int_value | float_value | double_value}}: named by its key.
  event_params: { sv: 'Händelsens parametrar (sida, rubrik, hänvisning m.m.)', en: 'Parameters of the event (page, title, referrer etc.)', itemKey: 'key' },
  'event_params.value.string_value': ['Värde', 'Value'],
  'event_params.value.int_value': ['Värde', 'Value'],
  'event_params.value.float_value': ['Värde', 'Value'],
  'event_params.value.double_value': ['Värde', 'Value'],
  user_pseudo_id: ['Klient-id (kakan _ga)', 'Client id (the _ga cookie)'],
  user_id: ['Användar-id på webbplatsen', 'User id on the site'],
  user_first_touch_timestamp: ['Första besöket', 'First visit', 'unix-micros'],
  user_properties: { sv: 'Egenskaper som webbplatsen satt', en: 'Properties the site set', itemKey: 'key' },
  'user_properties.value.string_value': ['Värde', 'Value'],
  'user_properties.value.int_value': ['Värde', 'Value'],
  'user_properties.value.float_value': ['Värde', 'Value'],
  'user_properties.value.double_value': ['Värde', 'Value'],
  'user_properties.value.set_timestamp_micros': ['Satt', 'Set', 'unix-micros'],
  privacy_info: ['Samtycke när händelsen samlades in', 'Consent when the event was collected'],
  // The export writes them `Yes` or `No` (BigQuery export schema, privacy_info): Ja or Nej in the letter.
  'privacy_info.analytics_storage': { sv: 'Kakor för statistik', en: 'Cookies for analytics', logical: GA_YES_NO },
  'privacy_info.ads_storage': { sv: 'Kakor för annonser', en: 'Cookies for advertising', logical: GA_YES_NO },
  'privacy_info.uses_transient_token': { sv: 'Tillfällig token i stället för kaka', en: 'A transient token instead of a cookie', logical: GA_YES_NO },
  device: ['Enhet', 'Device'],
  'device.category': ['Typ av enhet', 'Kind of device'],
  'device.mobile_brand_name': ['Märke', 'Brand'],
  'device.mobile_model_name': ['Modell', 'Model'],
  'device.operating_system': ['Operativsystem', 'Operating system'],
  'device.operating_system_version': ['Operativsystemets version', 'Operating system version'],
  'device.language': ['Språk', 'Language'],
  // Also written `Yes` or `No` (BigQuery export schema, device.is_limited_ad_tracking).
  'device.is_limited_ad_tracking': { sv: 'Begränsad annonsspårning', en: 'Limited ad tracking', logical: GA_YES_NO },
  'device.advertising_id': ['Annons-id', 'Advertising id'],
  'device.web_info.browser': ['Webbläsare', 'Browser'],
  'device.web_info.browser_version': ['Webbläsarens version', 'Browser version'],
  'device.web_info.hostname': ['Webbplats', 'Website'],
  geo: ['Ort, region och land (från IP-adressen)', 'City, region and country (from the IP address)'],
  'geo.continent': ['Världsdel', 'Continent'],
  'geo.sub_continent': ['Del av världsdel', 'Subcontinent'],
  'geo.country': ['Land', 'Country'],
  'geo.region': ['Region', 'Region'],
  'geo.city': ['Ort', 'City'],
  'geo.metro': ['Storstadsområde', 'Metro area'],
  traffic_source: ['Hur användaren först kom till webbplatsen', 'How the user first came to the site'],
  'traffic_source.name': ['Kampanj', 'Campaign'],
  'traffic_source.medium': ['Medium', 'Medium'],
  'traffic_source.source': ['Källa', 'Source'],
  collected_traffic_source: ['Hur användaren kom till webbplatsen vid händelsen', 'How the user came to the site for the event'],
  'collected_traffic_source.manual_campaign_name': ['Kampanj', 'Campaign'],
  'collected_traffic_source.manual_source': ['Källa', 'Source'],
  'collected_traffic_source.manual_medium': ['Medium', 'Medium'],
  user_ltv: ['Användarens köp hittills', "The user's purchases so far"],
  'user_ltv.revenue': ['Belopp', 'Amount'],
  'user_ltv.currency': ['Valuta', 'Currency'],
  ecommerce: ['Köp', 'Purchase'],
  'ecommerce.transaction_id': ['Ordernummer', 'Order number'],
  'ecommerce.total_item_quantity': ['Antal varor', 'Number of items'],
  'ecommerce.unique_items': ['Olika varor', 'Different items'],
  'ecommerce.purchase_revenue': ['Belopp', 'Amount'],
  'ecommerce.purchase_revenue_in_usd': ['Belopp (USD)', 'Amount (USD)'],
  items: ['Varor', 'Items'],
  'items.item_id': ['Artikelnummer', 'Item number'],
  'items.item_name': ['Namn', 'Name'],
  'items.item_category': ['Kategori', 'Category'],
  'items.quantity': ['Antal', 'Quantity'],
  'items.price': ['Pris', 'Price'],
  'items.price_in_usd': ['Pris (USD)', 'Price (USD)'],
  'items.item_revenue': ['Belopp', 'Amount'],
  'items.item_revenue_in_usd': ['Belopp (USD)', 'Amount (USD)'],
  date: ['Datum för händelsen', 'Date of the event', 'date'],
  timestamp: ['Tidpunkt för händelsen', 'Time of the event', 'unix-micros'],
  name: ['Händelse', 'Event'],
};

/** Columns of the BigQuery `events_*` tables. `user_id` is added by `describe()` with the configured kind. */
export const BIGQUERY_FIELDS: FieldDescription[] = withLabels([
  f('event_date', 'web-behaviour', true, undefined, 'Date of the event (YYYYMMDD, in the property time zone)'),
  f('event_timestamp', 'web-behaviour', true, undefined, 'When the event happened, microseconds since 1970 UTC'),
  f('event_previous_timestamp', 'web-behaviour', true),
  f('event_name', 'web-behaviour', true),
  f(
    'event_params',
    'web-behaviour',
    true,
    undefined,
    'The event parameters as key/value pairs: page address, title and referrer, clicked links, forms, session id. Addresses can carry e-mail addresses; they are scanned as free text',
  ),
  f('event_value_in_usd', 'order-history', true),
  f('event_bundle_sequence_id', 'system-id', true),
  f('event_server_timestamp_offset', 'system-id', true),
  f('batch_event_index', 'system-id', true),
  f('batch_ordering_id', 'system-id', true),
  f('batch_page_id', 'system-id', true),
  f('user_pseudo_id', 'system-id', true, 'gaClientId', PSEUDO_ID_DESCRIPTION),
  f('is_active_user', 'web-behaviour', true),
  f('privacy_info', 'consent', true, undefined, 'Consent state when the event was collected (analytics_storage, ads_storage)'),
  f('user_properties', 'web-behaviour', true, undefined, 'Properties the site sets on the user, as key/value pairs'),
  f('user_first_touch_timestamp', 'web-behaviour', true),
  f('user_ltv', 'order-history', true, undefined, 'Lifetime revenue of the user'),
  f('device', 'device', true),
  f('geo', 'location', true, undefined, 'City, region and country derived from the IP address at collection; GA4 does not keep the address'),
  f('app_info', 'device', true),
  f('traffic_source', 'web-behaviour', true, undefined, 'How the user was first acquired'),
  f('collected_traffic_source', 'web-behaviour', true),
  f('session_traffic_source_last_click', 'web-behaviour', true),
  f('stream_id', 'none', false),
  f('platform', 'none', false),
  f('event_dimensions', 'web-behaviour', true),
  f('ecommerce', 'order-history', true),
  f('items', 'order-history', true),
  f('publisher', 'web-behaviour', true, undefined, 'Ads shown with the event'),
], GA_LABELS);

/** Sub-fields of the BigQuery records, as Fivetran flattens them into columns. */
const RECORDS: Record<string, { category: string; fields: string[] }> = {
  device: {
    category: 'device',
    fields: [
      'category', 'mobile_brand_name', 'mobile_model_name', 'mobile_marketing_name', 'mobile_os_hardware_model', 'operating_system',
      'operating_system_version', 'vendor_id', 'advertising_id', 'language', 'is_limited_ad_tracking', 'time_zone_offset_seconds',
      'browser', 'browser_version', 'web_info_browser', 'web_info_browser_version', 'web_info_hostname',
    ],
  },
  geo: { category: 'location', fields: ['city', 'country', 'continent', 'region', 'sub_continent', 'metro'] },
  app_info: { category: 'device', fields: ['id', 'version', 'install_store', 'firebase_app_id', 'install_source'] },
  traffic_source: { category: 'web-behaviour', fields: ['name', 'medium', 'source'] },
  collected_traffic_source: {
    category: 'web-behaviour',
    fields: [
      'manual_campaign_id', 'manual_campaign_name', 'manual_source', 'manual_medium', 'manual_term', 'manual_content',
      'manual_source_platform', 'manual_creative_format', 'manual_marketing_tactic', 'gclid', 'dclid', 'srsltid',
    ],
  },
  privacy_info: { category: 'consent', fields: ['analytics_storage', 'ads_storage', 'uses_transient_token'] },
  user_ltv: { category: 'order-history', fields: ['revenue', 'currency'] },
  ecommerce: {
    category: 'order-history',
    fields: [
      'total_item_quantity', 'purchase_revenue_in_usd', 'purchase_revenue', 'refund_value_in_usd', 'refund_value', 'shipping_value_in_usd',
      'shipping_value', 'tax_value_in_usd', 'tax_value', 'unique_items', 'transaction_id',
    ],
  },
  event_dimensions: { category: 'web-behaviour', fields: ['hostname'] },
  publisher: { category: 'web-behaviour', fields: ['ad_revenue_in_usd', 'ad_format', 'ad_source_name', 'ad_unit_id'] },
};

/**
 * Event parameters GA4 collects itself (automatically, with enhanced
 * measurement, and the session parameters): support.google.com/analytics/answer/9234069 and 9216061.
 */
export const STANDARD_PARAMS = [
  'page_location', 'page_referrer', 'page_title', 'ga_session_id', 'ga_session_number', 'engagement_time_msec', 'engaged_session_event',
  'session_engaged', 'entrances', 'campaign', 'source', 'medium', 'term', 'content', 'gclid', 'link_url', 'link_text', 'link_domain',
  'link_classes', 'link_id', 'outbound', 'file_extension', 'file_name', 'form_id', 'form_name', 'form_destination', 'form_length',
  'first_field_id', 'first_field_name', 'first_field_type', 'first_field_position', 'search_term', 'percent_scrolled', 'video_title',
  'video_url', 'video_provider', 'video_duration', 'video_current_time', 'video_percent', 'visible', 'debug_mode', 'ignore_referrer',
  'method',
];

/**
 * Parameters where visitors leak what they typed or clicked: addresses with
 * query strings (`?email=…`), `mailto:` links, titles, site search terms.
 * Their string values are scanned as free text.
 */
export const DEFAULT_TEXT_PARAMS = ['page_location', 'page_referrer', 'page_title', 'link_url', 'link_text', 'search_term'];

/** Columns of Fivetran's flattened GA4 Export EVENT table. `user_id` is added by `describe()`. */
export const FIVETRAN_FIELDS: FieldDescription[] = withLabels([
  f('_fivetran_id', 'system-id', true, undefined, 'Fivetran id of the event row'),
  f('_fivetran_synced', 'none', false),
  f('date', 'web-behaviour', true, undefined, 'Date of the event'),
  f('name', 'web-behaviour', true, undefined, 'Name of the event'),
  f('timestamp', 'web-behaviour', true, undefined, 'When the event happened'),
  f('previous_timestamp', 'web-behaviour', true),
  f('value_in_usd', 'order-history', true),
  f('bundle_sequence_id', 'system-id', true),
  f('server_timestamp_offset', 'system-id', true),
  f('batch_event_index', 'system-id', true),
  f('batch_ordering_id', 'system-id', true),
  f('batch_page_id', 'system-id', true),
  f('user_pseudo_id', 'system-id', true, 'gaClientId', PSEUDO_ID_DESCRIPTION),
  f('user_first_touch_timestamp', 'web-behaviour', true),
  f('is_active_user', 'web-behaviour', true),
  f('is_intraday', 'none', false, undefined, 'The row came from the intraday (streaming) table'),
  f('stream_id', 'none', false),
  f('platform', 'none', false),
  ...Object.entries(RECORDS).flatMap(([record, r]) => r.fields.map((sub) => f(`${record}_${sub}`, r.category, true))),
  ...STANDARD_PARAMS.map((p) => f(`param_${p}`, 'web-behaviour', true, undefined, DEFAULT_TEXT_PARAMS.includes(p) ? 'Scanned as free text' : undefined)),
], GA_LABELS);
