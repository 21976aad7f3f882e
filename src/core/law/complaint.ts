/**
 * Art. 12(4) (legal-rules.md §1.1, ER-4): a controller that does not act on
 * a request, in whole or in part, tells the data subject the reasons and
 * that they may lodge a complaint with a supervisory authority and seek a
 * judicial remedy. A refusal carries it (`case refuse`), and so does a
 * reply that refuses part of an erasure (records kept under Art. 17(3)(b),
 * ER-4: "a partial refusal is a 'not taking action'"). Pure data.
 *
 * `[M]`: the Art. 77/79 wording, the IMY contact details (imy.se) and
 * "allmän domstol" as the Swedish court for an Art. 79 action against a
 * private controller; check before release.
 */
export const COMPLAINT_INFORMATION = {
  supervisoryAuthority: 'Integritetsskyddsmyndigheten (IMY), Box 8114, 104 20 Stockholm, imy@imy.se, www.imy.se (Art. 77)',
  judicialRemedy: 'the right to an effective judicial remedy in court (Art. 79), in Sweden before allmän domstol',
} as const;

export type ComplaintInformation = typeof COMPLAINT_INFORMATION;
