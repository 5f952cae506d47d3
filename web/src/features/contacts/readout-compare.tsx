/**
 * Two parties' readouts of one call in two columns, each exactly as written and marked with its
 * language; sentences found in both are marked as agreement, sentences only in one as
 * divergence, and (optionally) the words that differ within a divergent sentence.
 */
import { useMemo, useState } from 'preact/hooks';
import type { Readout } from './contacts-api';
import { t } from './messages';
import { formatHlc } from '../../lib/i18n';
import { compareReadouts, type ComparedSentence } from './readout-diff';

/** Each party's newest readout, in order of first appearance. */
export function latestByParty(readouts: Readout[]): Map<string, Readout> {
  const latest = new Map<string, Readout>();
  for (const r of readouts) {
    const seen = latest.get(r.party);
    if (!seen || seen.at < r.at) latest.set(r.party, r);
  }
  return latest;
}

export function ReadoutCompare({ readouts, id }: { readouts: Readout[]; id: string }) {
  const latest = useMemo(() => latestByParty(readouts), [readouts]);
  const parties = [...latest.keys()];
  const [leftParty, setLeft] = useState(parties[0] ?? '');
  const [rightParty, setRight] = useState(parties[1] ?? '');
  const [words, setWords] = useState(true);
  const left = latest.get(leftParty) ?? latest.get(parties[0] ?? '');
  const right = latest.get(rightParty) ?? latest.get(parties[1] ?? '');
  const result = useMemo(
    () => (left && right ? compareReadouts(left.text, right.text, { words }) : null),
    [left, right, words],
  );
  if (!left || !right || !result) return null;

  return (
    <section class="readout-compare" aria-labelledby={`${id}-title`} data-compare={id}>
      <div class="compare-head">
        <h4 id={`${id}-title`}>{t('compareTitle')}</h4>
        <p class="compare-summary" role="status">
          <span class="s-agreed">
            ✓ {t('compareSummary')}: {result.agreed}
          </span>{' '}
          <span class="s-divergent">
            ≠ {t('onlyIn')} {left.party}: {result.divergent.left}
          </span>{' '}
          <span class="s-divergent">
            ≠ {t('onlyIn')} {right.party}: {result.divergent.right}
          </span>
        </p>
      </div>
      <div class="compare-tools">
        {parties.length > 2 && (
          <>
            <PartySelect
              id={`${id}-left`}
              label={t('compareLeft')}
              value={left.party}
              parties={parties}
              onChange={setLeft}
            />
            <PartySelect
              id={`${id}-right`}
              label={t('compareRight')}
              value={right.party}
              parties={parties}
              onChange={setRight}
            />
          </>
        )}
        <label class="checkbox">
          <input type="checkbox" checked={words} onChange={(e) => setWords(e.currentTarget.checked)} />{' '}
          {t('markWords')}
        </label>
        <ul class="compare-legend" aria-label="Legend">
          <li>
            <span class="s-agreed">✓ {t('legendAgreed')}</span>
          </li>
          <li>
            <span class="s-divergent">≠ {t('legendDivergent')}</span>
          </li>
          {words && (
            <li>
              <mark class="w-differs">{t('legendWords')}</mark>
            </li>
          )}
        </ul>
      </div>
      {left.lang !== right.lang && <p class="notice small">{t('differentLanguages')}</p>}
      <div class="compare-columns">
        <Column
          readout={left}
          sentences={result.left}
          older={readouts.filter((r) => r.party === left.party && r !== left).length}
        />
        <Column
          readout={right}
          sentences={result.right}
          older={readouts.filter((r) => r.party === right.party && r !== right).length}
        />
      </div>
    </section>
  );
}

function PartySelect(props: {
  id: string;
  label: string;
  value: string;
  parties: string[];
  onChange: (party: string) => void;
}) {
  return (
    <label class="inline-select" for={props.id}>
      {props.label}{' '}
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {props.parties.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
    </label>
  );
}

function Column({
  readout,
  sentences,
  older,
}: {
  readout: Readout;
  sentences: ComparedSentence[];
  older: number;
}) {
  return (
    <article
      class="readout-column"
      data-party={readout.party}
      aria-label={`${t('readoutsTitle')}: ${readout.party}`}
    >
      <header>
        <strong>{readout.party}</strong> · {readout.author}
        <div class="muted small">
          {formatHlc(readout.at)} · {t('writtenIn')} <span class="mono">{readout.lang}</span>
          {older > 0 && ` · ${older} ${t('olderReadouts')}`}
        </div>
      </header>
      <p class="readout-text" lang={readout.lang}>
        {sentences.map((s, i) => (
          <SentenceView key={i} sentence={s} />
        ))}
      </p>
    </article>
  );
}

function SentenceView({ sentence }: { sentence: ComparedSentence }) {
  if (sentence.state === 'neutral') return <>{sentence.text}</>;
  const title = sentence.state === 'agreed' ? t('legendAgreed') : t('legendDivergent');
  // The whitespace after a sentence is shown, but not highlighted.
  const trailing = /\s*$/.exec(sentence.text)?.[0] ?? '';
  const body = sentence.text.slice(0, sentence.text.length - trailing.length);
  let left = body.length;
  return (
    <>
      <span class={`sentence s-${sentence.state}`} data-state={sentence.state} title={title}>
        {sentence.words
          ? sentence.words.map((w, i) => {
              const text = w.text.slice(0, Math.max(0, left));
              left -= w.text.length;
              if (!text) return null;
              return w.differs ? (
                <mark key={i} class="w-differs">
                  {text}
                </mark>
              ) : (
                text
              );
            })
          : body}
      </span>
      {trailing}
    </>
  );
}
