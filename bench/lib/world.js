// The synthetic world of the bench corpus: a seeded PRNG, Swedish name pools,
// and the notations real exports use for e-mails, phones and personnummer.
// Everything here is synthetic: e-mails use .example domains, personnummer are
// Luhn-valid fakes, phones are in blocks chosen for this bench (see README).

/** sfc32: small, fast, good enough for test data; fully determined by its seed. */
export function rng(seed) {
  let a = 0x9e3779b9 ^ seed,
    b = 0x243f6a88 ^ Math.imul(seed, 0x85ebca6b),
    c = 0xb7e15162 ^ Math.imul(seed, 0xc2b2ae35),
    d = 1;
  const next = () => {
    a |= 0; b |= 0; c |= 0; d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  const r = {
    next,
    int: (n) => Math.floor(next() * n),
    range: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    shuffle(arr) {
      for (let i = arr.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [arr[i], arr[j]] = [arr[j], arr[i]];
      }
      return arr;
    },
  };
  return r;
}

/** A stable 32-bit hash of a string (FNV-1a), to derive per-file seeds. */
export function hash32(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A bijection on [0, 2^32): distinct inputs give distinct, random-looking outputs. */
export function scramble(i) {
  let x = (i + 0x6d2b79f5) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

export const FIRST_NAMES = [
  'Anna', 'Eva', 'Maria', 'Karin', 'Sara', 'Lena', 'Emma', 'Kerstin', 'Ingrid', 'Elin', 'Johanna', 'Linnéa', 'Ida', 'Malin',
  'Sofia', 'Hanna', 'Julia', 'Ebba', 'Märta', 'Åsa', 'Agneta', 'Birgitta', 'Britt', 'Camilla', 'Cecilia', 'Frida', 'Helena',
  'Jenny', 'Josefin', 'Klara', 'Louise', 'Matilda', 'Moa', 'Nora', 'Saga', 'Stina', 'Tove', 'Ulla', 'Vera', 'Wilma', 'Signe',
  'Astrid', 'Greta', 'Maja', 'Elsa', 'Thérèse', 'Zoë', 'Irène', 'Erik', 'Lars', 'Karl', 'Anders', 'Johan', 'Per', 'Nils',
  'Mikael', 'Jan', 'Hans', 'Peter', 'Olof', 'Gunnar', 'Sven', 'Björn', 'Göran', 'Jörgen', 'Örjan', 'Åke', 'Bengt', 'Bo',
  'Daniel', 'David', 'Fredrik', 'Gustav', 'Henrik', 'Jonas', 'Kristoffer', 'Lennart', 'Magnus', 'Mats', 'Niklas', 'Oskar',
  'Patrik', 'Rasmus', 'Stefan', 'Thomas', 'Ulf', 'Viktor', 'Axel', 'Elias', 'Hugo', 'Leo', 'Måns', 'Sixten', 'Tage', 'Ture',
  'André', 'José', 'Noël', 'Stellan', 'Torbjörn', 'Håkan', 'Kjell', 'Rune', 'Östen', 'Ingvar',
];

/** Surnames of the noise people. Planted subjects never carry one of these. */
export const NOISE_SURNAMES = [
  'Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson',
  'Pettersson', 'Jonsson', 'Jansson', 'Hansson', 'Bengtsson', 'Jönsson', 'Lindberg', 'Jakobsson', 'Magnusson', 'Olofsson',
  'Lindström', 'Lindgren', 'Axelsson', 'Berg', 'Bergström', 'Lundberg', 'Lind', 'Lundgren', 'Lundqvist', 'Mattsson',
  'Berglund', 'Fredriksson', 'Sandberg', 'Henriksson', 'Forsberg', 'Sjöberg', 'Wallin', 'Engström', 'Eklund', 'Danielsson',
  'Lundin', 'Håkansson', 'Björk', 'Bergman', 'Gunnarsson', 'Holm', 'Samuelsson', 'Fransson', 'Wikström', 'Isaksson',
  'Bergqvist', 'Arvidsson', 'Nyström', 'Holmberg', 'Löfgren', 'Söderberg', 'Nyberg', 'Blomqvist', 'Claesson', 'Nordström',
  'Mårtensson', 'Lundström', 'Viklund', 'Björklund', 'Eliasson', 'Pålsson', 'Berggren', 'Sandström', 'Lund', 'Nordin',
  'Ström', 'Åberg', 'Hermansson', 'Ekström', 'Holmgren', 'Sundberg', 'Hedlund', 'Dahlberg', 'Hellström', 'Sjögren',
  'Abrahamsson', 'Falk', 'Martinsson', 'Andreasson', 'Öhman', 'Strand', 'Åkesson', 'Ek', 'Nordqvist', 'Sundström',
];

// Planted surnames: compounds that no noise surname equals (checked after
// folding away diacritics, so "Ostlund" and "Östlund" count as one).
const PLANTED_HEADS = ['Åker', 'Äng', 'Öst', 'Bäck', 'Fjäll', 'Löv', 'Gran', 'Hög', 'Mål', 'Sten', 'Ås', 'Näs', 'Kvarn', 'Rönn', 'Al', 'Tall', 'Sjö', 'Dal', 'Ekh', 'Hed', 'Vik', 'Bro', 'Lill', 'Stor', 'Ström'];
const PLANTED_TAILS = ['ström', 'qvist', 'berg', 'lund', 'gren', 'dahl', 'man', 'holm', 'sten', 'vall', 'bäck', 'näs', 'ling', 'fors', 'blad', 'skog'];

export function foldAscii(s) {
  return s.normalize('NFD').replace(/\p{M}+/gu, '').normalize('NFC');
}
export const hasDiacritics = (s) => foldAscii(s) !== s;

export function plantedSurnames() {
  const noise = new Set(NOISE_SURNAMES.map((n) => foldAscii(n).toLowerCase()));
  const out = [];
  const seen = new Set();
  for (const h of PLANTED_HEADS) {
    for (const t of PLANTED_TAILS) {
      const name = h + t;
      const k = foldAscii(name).toLowerCase();
      if (noise.has(k) || seen.has(k)) continue;
      seen.add(k);
      out.push(name);
    }
  }
  return out;
}

export const COMPANY_WORDS = ['Bygg', 'Konsult', 'Trading', 'Service', 'Fastighet', 'Transport', 'Logistik', 'Måleri', 'El', 'VVS', 'Redovisning', 'Design', 'Data', 'Städ'];
export const COMPANY_FORMS = ['AB', 'AB', 'AB', 'HB', 'KB', 'Aktiebolag'];
export const CITIES = [['Helsingborg', '252'], ['Malmö', '211'], ['Lund', '222'], ['Stockholm', '111'], ['Göteborg', '411'], ['Ängelholm', '262'], ['Landskrona', '261'], ['Höganäs', '263'], ['Uppsala', '753'], ['Örebro', '702']];
export const STREETS = ['Storgatan', 'Drottninggatan', 'Kungsgatan', 'Södra Storgatan', 'Ängelholmsvägen', 'Bruksgatan', 'Järnvägsgatan', 'Kvarngatan', 'Skolgatan', 'Östra Vallgatan', 'Bäckavägen', 'Sjöbergsgatan'];
export const TITLES = ['Inköpschef', 'VD', 'Ekonomiansvarig', 'Säljare', 'Projektledare', 'Arbetsledare', 'Ägare', 'Kundtjänst', 'Lagerchef', ''];
export const MAIL_DOMAINS = ['mail.example', 'post.example', 'bredband.example', 'webbpost.example', 'hem.example'];

/** e-mail local part from a name: ascii, lower case, dots. */
export function localPart(first, last) {
  return `${foldAscii(first)}.${foldAscii(last)}`.toLowerCase().replace(/[^a-z0-9.]/g, '');
}

// ---------------------------------------------------------------- notations

/** How exports write one e-mail address: mostly as is, sometimes upper case, mixed, or with stray spaces. */
export function emailNotation(r, email) {
  const x = r.next();
  if (x < 0.6) return email;
  if (x < 0.75) return email.toUpperCase();
  if (x < 0.88) return email.replace(/^./, (c) => c.toUpperCase()).replace(/\.(.)/, (m, c) => '.' + c.toUpperCase());
  return ` ${email} `;
}

/** A Swedish mobile number (national digits "07xxxxxxxx") in one of the notations seen in exports. */
export function phoneNotation(r, national, which) {
  const n = national.slice(1); // 70xxxxxxx
  const forms = [
    () => `${national.slice(0, 3)}-${national.slice(3, 6)} ${national.slice(6, 8)} ${national.slice(8)}`, // 070-174 06 05
    () => `+46${n}`, // +46701740605
    () => `0046 ${n.slice(0, 2)} ${n.slice(2, 5)} ${n.slice(5, 7)} ${n.slice(7)}`, // 0046 70 174 06 05
    () => national, // 0701740605
    () => `+46 ${n.slice(0, 2)} ${n.slice(2, 5)} ${n.slice(5, 7)} ${n.slice(7)}`, // +46 70 174 06 05
    () => `${national.slice(0, 3)} ${national.slice(3, 6)} ${national.slice(6, 8)} ${national.slice(8)}`, // 070 174 06 05
    () => `${national.slice(0, 3)}-${national.slice(3)}`, // 070-1740605
  ];
  return forms[which ?? r.int(forms.length)]();
}

/** Luhn check digit over the 9 digits YYMMDDNNN. */
export function luhnDigit(nine) {
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let d = nine.charCodeAt(i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** A personnummer (12 digits) for a birth date and a 3-digit birth number. */
export function makePnr(year, month, day, serial3) {
  const yy = String(year).slice(2);
  const mm = String(month).padStart(2, '0');
  const dd = String(day).padStart(2, '0');
  const nine = `${yy}${mm}${dd}${String(serial3).padStart(3, '0')}`;
  return `${year}${mm}${dd}${String(serial3).padStart(3, '0')}${luhnDigit(nine)}`;
}

/** The forms a personnummer takes in exports: 12 or 10 digits, with or without the dash. */
export function pnrNotation(r, pnr12, which) {
  const forms = [
    () => `${pnr12.slice(0, 8)}-${pnr12.slice(8)}`, // 19840312-9987
    () => `${pnr12.slice(2, 8)}-${pnr12.slice(8)}`, // 840312-9987
    () => pnr12, // 198403129987
    () => pnr12.slice(2), // 8403129987
  ];
  return forms[which ?? r.int(forms.length)]();
}

export function randomDate(r, fromYear, toYear) {
  const y = r.range(fromYear, toYear);
  const m = r.range(1, 12);
  const d = r.range(1, 28);
  return { y, m, d, iso: `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}
