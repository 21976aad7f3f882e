/**
 * Plain-language steps for the person who carries an action out, in Swedish
 * and English. They name systems and fields, never personal values. Where a
 * system needs a particular way of doing it (Mailchimp's permanent delete,
 * Lime's GDPR add-on, the BigQuery export that the User Deletion API does
 * not reach), the step says so.
 */
import type { Instructions } from './types.ts';

const SYSTEMS: Record<string, Instructions> = {
  lime: { sv: 'Lime CRM', en: 'Lime CRM' },
  visma: { sv: 'Visma', en: 'Visma' },
  office365: { sv: 'Office 365', en: 'Office 365' },
  newsletter: { sv: 'nyhetsbrevsverktyget', en: 'the newsletter tool' },
  'google-analytics': { sv: 'Google Analytics', en: 'Google Analytics' },
};

export function systemName(connector: string): Instructions {
  return SYSTEMS[connector] ?? { sv: connector, en: connector };
}

const both = (sv: string, en: string): Instructions => ({ sv, en });

export function retainBookkeeping(retainUntil: string | undefined, deletableFrom: string | undefined, flagged: boolean, open = false): Instructions {
  const when = retainUntil && deletableFrom;
  const sv = [
    when ? `Behåll oförändrad t.o.m. ${retainUntil}; ändra eller maskera inget (räkenskapsinformation).` : 'Behåll oförändrad; ändra eller maskera inget. Datum saknas: fastställ räkenskapsåret och bevarandetiden för hand.',
    'Begränsa åtkomsten till ekonomi och revisor, och använd den inte för något annat ändamål.',
    when ? `Radera från och med ${deletableFrom}; sweep listar den då.` : '',
    flagged ? 'Posten har flaggats som möjlig verifikation (faktura, kvitto, order eller avtal): granska den. Är den inte räkenskapsinformation ska den raderas.' : '',
    open ? 'Fordran var obetald i exporten: datumet är preliminärt och flyttas till det räkenskapsår då betalningen, krediteringen eller avskrivningen bokförs. Gör om planen när den är reglerad.' : '',
  ];
  const en = [
    when ? `Keep unchanged through ${retainUntil}; do not edit or mask anything (accounting records).` : 'Keep unchanged; do not edit or mask anything. The date is missing: establish the financial year and the retention date by hand.',
    'Restrict access to finance and the auditor, and use it for no other purpose.',
    when ? `Delete from ${deletableFrom}; sweep lists it then.` : '',
    flagged ? 'The record was flagged as a possible verification (invoice, receipt, order or agreement): review it. If it is not an accounting record, delete it.' : '',
    open ? 'The receivable was unpaid in the export: the date is provisional and moves to the financial year in which the payment, credit or write-off is booked. Plan again once it is settled.' : '',
  ];
  return both(sv.filter(Boolean).join(' '), en.filter(Boolean).join(' '));
}

export function retainMaster(connector: string, retainUntil: string | undefined, deletableFrom: string | undefined, clearing: number, linkedKnown: boolean): Instructions {
  const sys = systemName(connector);
  const sv = [
    `Behåll kundkortet i ${sys.sv}${retainUntil ? ` t.o.m. ${retainUntil}` : ''} med de uppgifter som står på sparade fakturor och verifikationer.`,
    clearing > 0 ? `Töm nu ${clearing === 1 ? 'det listade fältet' : `de ${clearing} listade fälten`}: de står inte på någon sparad handling.` : '',
    linkedKnown ? '' : 'Kontrollera i ekonomisystemet att fälten som behålls verkligen står på fakturorna.',
    'Markera kunden som inaktiv, begränsa åtkomsten till ekonomi och revisor, och använd den inte för marknadsföring.',
    deletableFrom ? `Radera eller anonymisera från och med ${deletableFrom}; sweep listar den då.` : '',
  ];
  const en = [
    `Keep the customer card in ${sys.en}${retainUntil ? ` through ${retainUntil}` : ''} with the details that appear on retained invoices and vouchers.`,
    clearing > 0 ? `Clear ${clearing === 1 ? 'the listed field' : `the ${clearing} listed fields`} now: they appear on no retained document.` : '',
    linkedKnown ? '' : 'Check in the accounting system that the fields kept really appear on the invoices.',
    'Mark the customer inactive, restrict access to finance and the auditor, and do not use it for marketing.',
    deletableFrom ? `Delete or anonymise from ${deletableFrom}; sweep lists it then.` : '',
  ];
  return both(sv.filter(Boolean).join(' '), en.filter(Boolean).join(' '));
}

export function deleteRecord(connector: string, entity: string): Instructions {
  const sys = systemName(connector);
  if (connector === 'lime') {
    return both(
      `Radera posten (${entity}) i ${sys.sv}. Finns GDPR-tillägget ska det användas, så att raderingen loggas.`,
      `Delete the ${entity} record in ${sys.en}. If the GDPR add-on is installed, use it so that the deletion is logged.`,
    );
  }
  if (connector === 'office365' && entity === 'message') {
    return both(
      'Radera meddelandet i brevlådan, töm det även ur Borttagna objekt och Återställningsbara objekt (eller låt lagringsprincipen rensa det). Kontrollera att ingen bevarandespärr (litigation hold) gäller.',
      'Delete the message from the mailbox, and purge it from Deleted Items and Recoverable Items (or let the retention policy purge it). Check that no litigation hold applies.',
    );
  }
  if (connector === 'office365' && entity === 'trace') {
    return both(
      'Rader i meddelandespårningen kan inte raderas i Exchange Online; de försvinner efter 90 dagar. Radera raden ur sparade exportfiler.',
      'Message trace rows cannot be deleted in Exchange Online; they expire after 90 days. Delete the row from saved export files.',
    );
  }
  return both(`Radera posten (${entity}) i ${sys.sv} och ur sparade exportfiler.`, `Delete the ${entity} record in ${sys.en} and from saved export files.`);
}

export function anonymiseRecord(connector: string, entity: string, keepsConsent: boolean, fields: number): Instructions {
  const sys = systemName(connector);
  if (connector === 'lime' && entity === 'person') {
    return both(
      `Anonymisera personen i ${sys.sv} med GDPR-tillägget (Anonymisera), eller sätt fälten till de listade värdena. Tillägget sätter anonymizeddate.${keepsConsent ? ' Personens samtyckeshistorik ska ligga kvar kopplad till den anonymiserade personen.' : ''}`,
      `Anonymise the person in ${sys.en} with the GDPR add-on (Anonymize), or set the fields to the values listed. The add-on sets anonymizeddate.${keepsConsent ? " The person's consent history stays linked to the anonymised person." : ''}`,
    );
  }
  if (connector === 'lime' && entity === 'consent') {
    return both(
      `Radera inte samtycket: det är bevis enligt artikel 7.1 och Lime raderar aldrig samtycken. Det behålls kopplat till den anonymiserade personen${fields > 0 ? '; ersätt de listade fälten' : ''}.`,
      `Do not delete the consent: it is proof under Article 7(1) and Lime never deletes consents. It stays linked to the anonymised person${fields > 0 ? '; replace the listed fields' : ''}.`,
    );
  }
  return both(
    `Sätt de listade fälten i ${sys.sv} till de angivna värdena; posten ligger kvar för andra uppgifters skull. Värdena har giltigt format (e-post, telefon).`,
    `Set the listed fields in ${sys.en} to the values given; the row stays for the sake of other data. The values have a valid format (e-mail, phone).`,
  );
}

export function deleteNewsletterMember(mailchimp: boolean): Instructions {
  if (mailchimp) {
    return both(
      'Stoppa köade utskick först. Radera sedan kontakten permanent i Mailchimp (POST …/actions/delete-permanent). Använd inte DELETE eller Arkivera: det arkiverar bara, och en arkiverad kontakt kan importeras igen; en permanent raderad kan det inte.',
      'Cancel queued sends first. Then delete the contact permanently in Mailchimp (POST …/actions/delete-permanent). Do not use DELETE or Archive: that only archives, and an archived contact can be imported again; a permanently deleted one cannot.',
    );
  }
  return both(
    'Stoppa köade utskick först. Radera sedan prenumeranten i nyhetsbrevsverktyget (inte bara avregistrera), och ur sparade exportfiler.',
    'Cancel queued sends first. Then delete the subscriber in the newsletter tool (not just unsubscribe), and from saved export files.',
  );
}

export function deleteNewsletterActivity(): Instructions {
  return both(
    'Öppningar och klick raderas med prenumerantens permanenta radering i verktyget. Radera raden ur sparade rapportexporter.',
    "Opens and clicks are deleted with the subscriber's permanent deletion in the tool. Delete the row from saved report exports.",
  );
}

export function deleteGaEvent(): Instructions {
  return both(
    'Radera besökarens rader i BigQuery-exporten (events_*), t.ex. med DELETE … WHERE user_pseudo_id = … . User Deletion API når inte data som redan exporterats. Data i Google Analytics-egendomen raderas av den refererade begäran.',
    "Delete the visitor's rows in the BigQuery export (events_*), e.g. DELETE … WHERE user_pseudo_id = … . The User Deletion API does not reach data already exported. The data in the Google Analytics property is deleted by the referenced request.",
  );
}

export function requestGaDeletion(placeholder: boolean): Instructions {
  return both(
    `Skicka begäran till User Deletion API (upsert) med behörigheten analytics.user.deletion; en begäran per id. Spara svarets deletionRequestTime.${placeholder ? ' Fyll i egendomens id (propertyId) först.' : ''}`,
    `Send the request to the User Deletion API (upsert) with the analytics.user.deletion scope; one request per id. Keep the response's deletionRequestTime.${placeholder ? ' Fill in the property id (propertyId) first.' : ''}`,
  );
}

export function suppress(): Instructions {
  return both(
    'Lägg in den nyckelhashade identifieraren i spärrlistan. Kontrollera varje import, återläsning från säkerhetskopia och utskick mot listan.',
    'Add the keyed hash to the suppression list. Check every import, restore from backup and send against it.',
  );
}

export function notify(change: 'erasure' | 'rectification' | 'restriction' | 'objection' | 'contested-rectification'): Instructions {
  if (change === 'contested-rectification') {
    return both(
      'Meddela mottagaren nu att uppgifterna är begränsade medan deras riktighet kontrolleras (artikel 18.1 a och 19), och logga meddelandet. Om kontrollen bekräftar det nya värdet: meddela sedan rättelsen och logga det. Om det är omöjligt eller kräver oproportionerlig ansträngning: anteckna varför.',
      'Tell the recipient now that the data is restricted while its accuracy is checked (Articles 18(1)(a) and 19), and log the notice. If the check confirms the new value, tell it about the rectification then, and log that. If either is impossible or involves disproportionate effort, record why.',
    );
  }
  const sv = { erasure: 'raderingen', rectification: 'rättelsen', restriction: 'begränsningen', objection: 'invändningen och det som följer av den' }[change];
  const en = { erasure: 'the erasure', rectification: 'the rectification', restriction: 'the restriction', objection: 'the objection and what follows from it' }[change];
  return both(
    `Meddela mottagaren ${sv} (artikel 19) och logga meddelandet. Om det är omöjligt eller kräver oproportionerlig ansträngning: anteckna varför.`,
    `Tell the recipient about ${en} (Article 19) and log the notice. If that is impossible or involves disproportionate effort, record why.`,
  );
}

export function rectifyInPlace(connector: string): Instructions {
  const sys = systemName(connector);
  return both(`Ändra de listade fälten i ${sys.sv} från det gamla till det nya värdet.`, `Change the listed fields in ${sys.en} from the old to the new value.`);
}

export function rectifyAnnotate(connector: string): Instructions {
  const sys = systemName(connector);
  return both(
    `Ändra inte posten i ${sys.sv}: den visar vad som hände. Lägg en anteckning (tilläggsuppgift) kopplad till posten med det rättade värdet, och dokumentera när och av vem den lades.`,
    `Do not change the record in ${sys.en}: it shows what happened. Attach a note (a supplementary statement) to it with the corrected value, and record when and by whom it was added.`,
  );
}

export function rectifySupplementary(): Instructions {
  return both(
    'Ändra inte den bokförda handlingen. Rätta kundregistret för framtiden och lägg en tilläggsuppgift (eller, om fakturans innehåll är fel, en ändrings- eller kreditfaktura som hänvisar till originalet) kopplad till handlingen. Dokumentera hur, när och av vem rättelsen gjordes.',
    'Do not change the booked document. Correct the customer register for the future and attach a supplementary statement (or, if the invoice content itself is wrong, a correcting or credit invoice that refers to the original) to the document. Record how, when and by whom the correction was made.',
  );
}

export function restrict(connector: string, scope: 'all' | 'marketing' | 'profiling', bookkeeping: boolean): Instructions {
  const sys = systemName(connector);
  if (scope === 'profiling') {
    return both(
      `Undanta posten i ${sys.sv} från profilering, segment och anpassade erbjudanden; markera personen så att den inte tas med igen.`,
      `Exclude the record in ${sys.en} from profiling, segments and tailored offers; mark the person so that it is not included again.`,
    );
  }
  if (scope === 'marketing') {
    return both(
      `Använd inte posten i ${sys.sv} för marknadsföring eller därtill kopplad profilering längre; den får behandlas för sina övriga ändamål.`,
      `Stop using the record in ${sys.en} for marketing or related profiling; it may still be processed for its other purposes.`,
    );
  }
  return both(
    `Markera posten som begränsad i ${sys.sv}: den får bara lagras. Annan behandling kräver samtycke, rättsliga anspråk, skydd för annans rättigheter eller viktigt allmänintresse. Innan begränsningen hävs ska den registrerade underrättas, och det loggas.${bookkeeping ? ' Bevarandet enligt bokföringslagen fortsätter.' : ''}`,
    `Mark the record as restricted in ${sys.en}: it may only be stored. Any other processing needs consent, legal claims, the protection of another's rights or an important public interest. Before the restriction is lifted the data subject is told, and that is logged.${bookkeeping ? ' Retention under the Bookkeeping Act continues.' : ''}`,
  );
}

export function unsubscribe(connector: string, entity: string, flags = 0): Instructions {
  if (flags > 0) {
    const sys = systemName(connector);
    return both(
      `Sätt ${flags === 1 ? 'det listade fältet' : `de ${flags} listade fälten`} på posten i ${sys.sv} till det angivna värdet (samtycke till marknadsföring av, marknadsföringsetiketter borttagna) med omedelbar verkan. Ändra inget annat: posten behålls för sina andra ändamål.`,
      `Set ${flags === 1 ? 'the listed field' : `the ${flags} listed fields`} of the record in ${sys.en} to the value given (marketing consent off, marketing labels removed) with immediate effect. Change nothing else: the record is kept for its other purposes.`,
    );
  }
  if (connector === 'newsletter') {
    return both(
      'Avregistrera prenumeranten omedelbart och stoppa köade utskick. Avregistreringen avslutar även ett mjukt samtycke (soft opt-in) för gott.',
      'Unsubscribe the subscriber at once and cancel queued sends. The unsubscription also ends a soft opt-in for good.',
    );
  }
  if (connector === 'lime' && entity === 'consent') {
    return both(
      'Registrera ett nytt samtycke av samma typ med approved=false (det senaste gäller). Radera inte samtyckeshistoriken: den är bevis.',
      'Register a new consent of the same type with approved=false (the newest wins). Do not delete the consent history: it is proof.',
    );
  }
  const sys = systemName(connector);
  return both(
    `Sätt spärr mot marknadsföring på posten i ${sys.sv} (avregistrera från utskick, ta bort ur marknadsföringslistor och segment) med omedelbar verkan.`,
    `Set the marketing opt-out on the record in ${sys.en} (unsubscribe from mailings, remove from marketing lists and segments) with immediate effect.`,
  );
}

export function sweepDelete(connector: string): Instructions {
  const sys = systemName(connector);
  return both(
    `Bevarandetiden har gått ut. Radera posten i ${sys.sv}, eller anonymisera den oåterkalleligt om en sammanställning ska finnas kvar, om ingen rättslig spärr gäller.`,
    `The retention period has ended. Delete the record in ${sys.en}, or anonymise it irreversibly if an aggregate must remain, unless a legal hold applies.`,
  );
}
