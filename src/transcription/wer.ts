/** Lower-cases, drops punctuation (keeping apostrophes inside words) and splits on whitespace. */
export function normaliseWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, ' ')
    .replace(/(^|\s)'+|'+(?=\s|$)/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

/** Levenshtein distance over words: the fewest substitutions, insertions and deletions. */
export function wordEditDistance(
  reference: readonly string[],
  hypothesis: readonly string[],
): number {
  let prev = Array.from({ length: hypothesis.length + 1 }, (_, j) => j);
  for (let i = 1; i <= reference.length; i++) {
    const row = [i];
    for (let j = 1; j <= hypothesis.length; j++) {
      const substitution = prev[j - 1]! + (reference[i - 1] === hypothesis[j - 1] ? 0 : 1);
      row.push(Math.min(substitution, prev[j]! + 1, row[j - 1]! + 1));
    }
    prev = row;
  }
  return prev[hypothesis.length]!;
}

/** Word error rate over a corpus: total edits divided by total reference words. */
export function wordErrorRate(pairs: readonly { reference: string; hypothesis: string }[]): number {
  let edits = 0;
  let words = 0;
  for (const { reference, hypothesis } of pairs) {
    const ref = normaliseWords(reference);
    edits += wordEditDistance(ref, normaliseWords(hypothesis));
    words += ref.length;
  }
  if (words === 0) throw new Error('word error rate needs at least one reference word');
  return edits / words;
}
