/**
 * A word-level diff between two versions of a text (longest common subsequence over words and
 * the spaces between them), for showing what a revision of a joint statement changed.
 */
export interface DiffPart {
  op: 'same' | 'added' | 'removed';
  text: string;
}

/** Words and runs of whitespace, in order; joined they give the text back. */
export function tokenize(text: string): string[] {
  return text.match(/\s+|[^\s]+/g) ?? [];
}

/** Above this many cells the table would be too big: the texts are shown as replaced whole. */
const MAX_CELLS = 4_000_000;

/**
 * The parts that turn `before` into `after`. With `sameWhen`, two words are the same when their
 * forms under it are equal (a read-back ignores case and the kind of dash); same parts keep
 * `before`'s spelling.
 */
export function wordDiff(before: string, after: string, sameWhen?: (word: string) => string): DiffPart[] {
  const a = tokenize(before);
  const b = tokenize(after);
  const formA = sameWhen ? a.map(sameWhen) : a;
  const formB = sameWhen ? b.map(sameWhen) : b;
  // Common head and tail are cheap to strip and keep the table small.
  let head = 0;
  while (head < a.length && head < b.length && formA[head] === formB[head]) head += 1;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    formA[a.length - 1 - tail] === formB[b.length - 1 - tail]
  )
    tail += 1;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const keyA = formA.slice(head, a.length - tail);
  const keyB = formB.slice(head, b.length - tail);
  const parts: DiffPart[] = [];
  const push = (op: DiffPart['op'], text: string): void => {
    if (!text) return;
    const last = parts.at(-1);
    if (last && last.op === op) last.text += text;
    else parts.push({ op, text });
  };
  push('same', a.slice(0, head).join(''));
  const n = midA.length;
  const m = midB.length;
  if ((n + 1) * (m + 1) > MAX_CELLS) {
    push('removed', midA.join(''));
    push('added', midB.join(''));
  } else {
    // lengths[i][j]: LCS length of midA[i..] and midB[j..].
    const width = m + 1;
    const lengths = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i -= 1)
      for (let j = m - 1; j >= 0; j -= 1)
        lengths[i * width + j] =
          keyA[i] === keyB[j]
            ? lengths[(i + 1) * width + j + 1]! + 1
            : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (keyA[i] === keyB[j]) {
        push('same', midA[i]!);
        i += 1;
        j += 1;
      } else if (lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!) {
        push('removed', midA[i]!);
        i += 1;
      } else {
        push('added', midB[j]!);
        j += 1;
      }
    }
    while (i < n) push('removed', midA[i++]!);
    while (j < m) push('added', midB[j++]!);
  }
  push('same', a.slice(a.length - tail).join(''));
  return parts;
}
