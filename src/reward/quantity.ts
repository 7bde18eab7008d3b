/** Numbers as people write them in answers: "$12.5bn", "(1,234)", "37%", "2.5 km", "12,500 million". */
export interface Quantity {
  /** In base units: 12.5bn → 1.25e10, 37% → 0.37, 2.5 km → 2500 (metres), (1,234) → −1234. */
  value: number;
  /** The number as written, with its sign but before any multiplier or unit: 12.5bn → 12.5, 37% → 37. */
  written: number;
  /** Whether a multiplier (k, million, bn, ...) was written. */
  scaled: boolean;
  /** Canonical unit ('%', 'USD', 'm', 's', ...) or null when none was stated. */
  unit: string | null;
}

interface UnitInfo {
  unit: string;
  factor: number;
}

// '¥' is written for both yuan and yen; it agrees with either (see unitsAgree).
const YEN_OR_YUAN = 'CNY|JPY';

// Maps, like UNITS: they are looked up with words taken from an answer.
const CURRENCY_SYMBOLS = new Map(Object.entries({
  $: 'USD', us$: 'USD', usd: 'USD', '€': 'EUR', eur: 'EUR', '£': 'GBP', gbp: 'GBP',
  '¥': YEN_OR_YUAN, cny: 'CNY', rmb: 'CNY', jpy: 'JPY', '₹': 'INR', inr: 'INR',
}));

const UNIT_WORDS: [string[], UnitInfo][] = [
  [['%', 'percent', 'per cent', 'pct'], { unit: '%', factor: 0.01 }],
  [['usd', 'dollar', 'dollars'], { unit: 'USD', factor: 1 }],
  [['eur', 'euro', 'euros'], { unit: 'EUR', factor: 1 }],
  [['gbp'], { unit: 'GBP', factor: 1 }],
  [['cny', 'rmb', 'yuan', '元'], { unit: 'CNY', factor: 1 }],
  [['jpy', 'yen', '円'], { unit: 'JPY', factor: 1 }],
  [['inr', 'rupee', 'rupees'], { unit: 'INR', factor: 1 }],
  [['mm', 'millimeter', 'millimeters', 'millimetre', 'millimetres'], { unit: 'm', factor: 0.001 }],
  [['cm', 'centimeter', 'centimeters', 'centimetre', 'centimetres'], { unit: 'm', factor: 0.01 }],
  [['meter', 'meters', 'metre', 'metres'], { unit: 'm', factor: 1 }],
  [['km', 'kilometer', 'kilometers', 'kilometre', 'kilometres'], { unit: 'm', factor: 1000 }],
  [['inch', 'inches'], { unit: 'm', factor: 0.0254 }],
  [['ft', 'foot', 'feet'], { unit: 'm', factor: 0.3048 }],
  [['mi', 'mile', 'miles'], { unit: 'm', factor: 1609.344 }],
  [['mg', 'milligram', 'milligrams'], { unit: 'g', factor: 0.001 }],
  [['g', 'gram', 'grams'], { unit: 'g', factor: 1 }],
  [['kg', 'kilogram', 'kilograms'], { unit: 'g', factor: 1000 }],
  [['lb', 'lbs'], { unit: 'g', factor: 453.59237 }],
  [['s', 'sec', 'secs', 'second', 'seconds'], { unit: 's', factor: 1 }],
  [['min', 'mins', 'minute', 'minutes'], { unit: 's', factor: 60 }],
  [['h', 'hr', 'hrs', 'hour', 'hours'], { unit: 's', factor: 3600 }],
  [['day', 'days'], { unit: 's', factor: 86_400 }],
  [['week', 'weeks'], { unit: 's', factor: 604_800 }],
  [['month', 'months'], { unit: 'month', factor: 1 }],
  [['year', 'years', 'yr', 'yrs'], { unit: 'year', factor: 1 }],
];
const UNITS = new Map(UNIT_WORDS.flatMap(([words, info]) => words.map((word) => [word, info] as const)));

const MULTIPLIERS = new Map(Object.entries({
  k: 1e3, thousand: 1e3, m: 1e6, mn: 1e6, mln: 1e6, million: 1e6,
  b: 1e9, bn: 1e9, billion: 1e9, tn: 1e12, trillion: 1e12,
}));

const alternatives = (words: Iterable<string>) =>
  [...words].sort((a, b) => b.length - a.length).map((w) => w.replace(/[$.*+?^()|[\]{}\\]/g, '\\$&')).join('|');

const NUMBER = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+`;
const QUANTITY = new RegExp(
  String.raw`(?<![\p{L}\p{N}.])(?<open>\(\s*)?(?<minus>[-−–]\s*)?` +
    `(?:(?<prefix>${alternatives(CURRENCY_SYMBOLS.keys())})\\s*)?` +
    `(?<number>${NUMBER})(?!\\d)` +
    `(?:\\s*(?<multiplier>${alternatives(MULTIPLIERS.keys())})(?![\\p{L}\\p{N}]))?` +
    // A unit ends at a non-letter; "%" needs no such check but passes it anyway.
    `(?:\\s*(?<unit>${alternatives(UNITS.keys())})(?![\\p{L}\\p{N}]))?` +
    String.raw`(?<close>\s*\))?`,
  'giu',
);

/** Every quantity written in `text`, in order. */
export function findQuantities(text: string): Quantity[] {
  return [...text.normalize('NFKC').matchAll(QUANTITY)].map(toQuantity);
}

/** The quantity when `text` is nothing but one quantity (a final full stop allowed); else null. */
export function parseQuantity(text: string): Quantity | null {
  const trimmed = text.normalize('NFKC').trim().replace(/\.$/, '');
  const matches = [...trimmed.matchAll(QUANTITY)];
  if (matches.length !== 1 || matches[0]![0] !== trimmed) return null;
  return toQuantity(matches[0]!);
}

function toQuantity(match: RegExpMatchArray): Quantity {
  const groups = match.groups!;
  const prefixCurrency = groups.prefix ? CURRENCY_SYMBOLS.get(groups.prefix.toLowerCase())! : null;
  const unitInfo = groups.unit ? UNITS.get(groups.unit.toLowerCase())! : null;
  // A bare "m" after a number is read as million ("$5m", "2.3m users"): answers about documents
  // talk money and counts far more often than metres, which must be spelt out ("5 metres").
  const multiplierWord = groups.multiplier ?? null;
  const negative = Boolean(groups.minus) || (Boolean(groups.open) && Boolean(groups.close));
  const written = (negative ? -1 : 1) * Number(groups.number!.replace(/,/g, ''));
  const multiplier = multiplierWord ? MULTIPLIERS.get(multiplierWord.toLowerCase())! : 1;
  return {
    value: written * multiplier * (unitInfo?.factor ?? 1),
    written,
    scaled: multiplierWord !== null,
    unit: prefixCurrency ?? unitInfo?.unit ?? null,
  };
}

/** Units agree when either side states none, they are the same, or one is the ambiguous '¥'. */
export function unitsAgree(a: string | null, b: string | null): boolean {
  if (a === null || b === null || a === b) return true;
  return (a === YEN_OR_YUAN && YEN_OR_YUAN.split('|').includes(b)) || (b === YEN_OR_YUAN && YEN_OR_YUAN.split('|').includes(a));
}
