/** A word or digit group of the text, with where it sits, for finding spoken number runs. */
export interface Token {
  start: number;
  end: number;
  /** Lower-case text. */
  text: string;
  /** The digits this token stands for, or undefined when it is not a number. */
  digits?: string;
  /** A word that is a digit only inside a run ("for", "to", "oh"): recognisers mishear digits as these. */
  weak?: boolean;
}

const UNITS: Record<string, string> = {
  zero: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
  niner: '9',
};
const TEENS: Record<string, string> = {
  ten: '10',
  eleven: '11',
  twelve: '12',
  thirteen: '13',
  fourteen: '14',
  fifteen: '15',
  sixteen: '16',
  seventeen: '17',
  eighteen: '18',
  nineteen: '19',
};
const TENS: Record<string, string> = {
  twenty: '2',
  thirty: '3',
  forty: '4',
  fourty: '4',
  fifty: '5',
  sixty: '6',
  seventy: '7',
  eighty: '8',
  ninety: '9',
};
// Homophones a recogniser writes for a spoken digit; only counted between real digits.
const WEAK: Record<string, string> = {
  oh: '0',
  o: '0',
  for: '4',
  fore: '4',
  to: '2',
  too: '2',
  won: '1',
  ate: '8',
};
const REPEAT: Record<string, number> = { double: 2, triple: 3 };
// Hesitations inside a read-out number; they join digits but stand for none.
const FILLERS = new Set(['uh', 'um', 'er', 'ah', 'eh', 'hmm', 'mm', 'dash']);

const TOKEN = /\d+|[a-z]+(?:'[a-z]+)?/gi;

/** Splits text into word and digit tokens, reading spoken numbers ("forty one", "double four"). */
export function tokenize(text: string): Token[] {
  const raw: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    raw.push({ start: m.index, end: m.index + m[0].length, text: m[0].toLowerCase() });
  }
  const out: Token[] = [];
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i]!;
    const next = raw[i + 1];
    if (/^\d+$/.test(t.text)) {
      out.push({ ...t, digits: t.text });
    } else if (UNITS[t.text] !== undefined) {
      out.push({ ...t, digits: UNITS[t.text] });
    } else if (TEENS[t.text] !== undefined) {
      out.push({ ...t, digits: TEENS[t.text] });
    } else if (TENS[t.text] !== undefined) {
      // "forty one" is 41, a lone "forty" is 40.
      const unit = next ? UNITS[next.text] : undefined;
      if (next && unit !== undefined && unit !== '0' && adjacent(text, t, next)) {
        out.push({
          start: t.start,
          end: next.end,
          text: `${t.text} ${next.text}`,
          digits: TENS[t.text] + unit,
        });
        i++;
      } else {
        out.push({ ...t, digits: `${TENS[t.text]}0` });
      }
    } else if (REPEAT[t.text] !== undefined && next && adjacent(text, t, next)) {
      const d =
        UNITS[next.text] ?? WEAK[next.text] ?? (/^\d$/.test(next.text) ? next.text : undefined);
      if (d === undefined) {
        out.push(t);
        continue;
      }
      out.push({
        start: t.start,
        end: next.end,
        text: `${t.text} ${next.text}`,
        digits: d.repeat(REPEAT[t.text]!),
      });
      i++;
    } else if (WEAK[t.text] !== undefined) {
      out.push({ ...t, digits: WEAK[t.text], weak: true });
    } else if (FILLERS.has(t.text)) {
      out.push({ ...t, digits: '', weak: true });
    } else {
      out.push(t);
    }
  }
  return out;
}

/** True when only spaces and digit-group punctuation separate two tokens. */
export function adjacent(text: string, a: Token, b: Token): boolean {
  return /^[\s\-–—.,/()]*$/.test(text.slice(a.end, b.start));
}

/** A run of number tokens, with weak words kept only between strong ones. */
export interface DigitRun {
  first: number;
  last: number;
  start: number;
  end: number;
  digits: string;
  /** The run was written as digit groups only (no spoken words). */
  typed: boolean;
}

/** Finds maximal runs of number tokens separated only by spaces or digit punctuation. */
export function digitRuns(text: string, tokens: readonly Token[]): DigitRun[] {
  const runs: DigitRun[] = [];
  let i = 0;
  while (i < tokens.length) {
    if (tokens[i]!.digits === undefined) {
      i++;
      continue;
    }
    let j = i;
    while (
      j + 1 < tokens.length &&
      tokens[j + 1]!.digits !== undefined &&
      adjacent(text, tokens[j]!, tokens[j + 1]!)
    )
      j++;
    let first = i;
    let last = j;
    while (first <= last && tokens[first]!.weak) first++;
    while (last >= first && tokens[last]!.weak) last--;
    if (first <= last) {
      const span = tokens.slice(first, last + 1);
      runs.push({
        first,
        last,
        start: tokens[first]!.start,
        end: tokens[last]!.end,
        digits: span.map((t) => t.digits).join(''),
        typed: span.every((t) => /^\d+$/.test(t.text)),
      });
    }
    i = j + 1;
  }
  return runs;
}

/** The Luhn checksum that every payment card number satisfies. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let k = 0; k < digits.length; k++) {
    let d = digits.charCodeAt(digits.length - 1 - k) - 48;
    if (k % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
