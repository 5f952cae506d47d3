/**
 * How a statement's text is shown: the text with its disputed passages (`[a | b]`) highlighted,
 * and a word-level diff of what a revision changed.
 */
import { splitBrackets } from './brackets';
import { t } from './messages';
import { wordDiff } from './word-diff';

/** The text with `[a | b]` brackets highlighted. */
export function BracketedText({ text }: { text: string }) {
  return (
    <p class="statement-text">
      {splitBrackets(text).map((part, i) =>
        typeof part === 'string' ? (
          part
        ) : (
          <mark key={i} class="bracket" title={t('disputed')}>
            [
            {part.alternatives.map((a, j) => (
              <span key={j}>
                {j > 0 && <span class="bracket-sep"> | </span>}
                <span class="alternative">{a}</span>
              </span>
            ))}
            ]
          </mark>
        ),
      )}
    </p>
  );
}

export function Diff({ before, after }: { before: string; after: string }) {
  return (
    <p class="statement-text diff">
      {wordDiff(before, after).map((part, i) =>
        part.op === 'same' ? (
          part.text
        ) : part.op === 'added' ? (
          <ins key={i}>{part.text}</ins>
        ) : (
          <del key={i}>{part.text}</del>
        ),
      )}
    </p>
  );
}
