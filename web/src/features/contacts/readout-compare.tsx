/**
 * Two parties' readouts of one call side by side, point by point, aligned by the node's own
 * module (lib/shared.ts → alignment.ts), so the web shows what the API and CLI answer: each
 * point labelled same, similar — check, conflict (the conflicting words marked) or only one
 * side. A readout in another language is compared through its translation, said to be not
 * authoritative, with the original shown as written. Below, the joint summary of the call: points
 * proposed from aligned points, signed version by version, agreed only when every party signed
 * (proposing and signing offered only to who may write in the channel).
 */
import { useMemo, useState } from 'preact/hooks';
import { request } from '../../lib/api';
import {
  loadAlignment,
  type AlignedPoint,
  type AlignedSide,
  type PointLabel,
  type SentencePart,
} from '../../lib/shared';
import { useAsync } from '../../lib/use-async';
import { useSubmit } from '../../lib/use-submit';
import { FormError } from '../../lib/components/field';
import { formatHlc } from '../../lib/i18n';
import type { Readout } from './contacts-api';
import { contactsApi } from './contacts-api';
import { t } from './messages';
import { rt } from './readout-messages';
import './readouts.css';
import { useMayWrite } from '../../lib/write-access';
import { PointProposal, type ReadoutEntry } from './point-proposal';

/** Each party's newest readout, in order of first appearance. */
export function latestByParty(readouts: Readout[]): Map<string, Readout> {
  const latest = new Map<string, Readout>();
  for (const r of readouts) {
    const seen = latest.get(r.party);
    if (!seen || seen.at < r.at) latest.set(r.party, r);
  }
  return latest;
}

const LABEL: Record<PointLabel, Parameters<typeof rt>[0]> = {
  same: 'labelSame',
  similar: 'labelSimilar',
  conflict: 'labelConflict',
  'one-side': 'labelOneSide',
};
const SYMBOL: Record<PointLabel, string> = { same: '=', similar: '~', conflict: '≠', 'one-side': '·' };

const [channelOf, localId] = [
  (id: string) => id.split('/').slice(0, -2).join('/'),
  (id: string) => id.split('/').slice(-2).join('/'),
];

interface Translation {
  id: string;
  lang: string;
  text: string;
}

/** The newest translation of `readout` into `lang`, if any (never authoritative). */
async function translationInto(readout: Readout, lang: string): Promise<Translation | null> {
  const found = await request('GET /api/v1/channels/{channel}/translations', {
    path: { channel: channelOf(readout.id) },
    query: { of: localId(readout.id) },
  });
  const t = found.translations.filter((x) => x.lang === lang).at(-1);
  return t ? { id: t.id, lang: t.lang, text: t.text } : null;
}

export function ReadoutCompare({ readouts, id }: { readouts: Readout[]; id: string }) {
  const latest = useMemo(() => latestByParty(readouts), [readouts]);
  const parties = [...latest.keys()];
  const [leftParty, setLeft] = useState(parties[0] ?? '');
  const [rightParty, setRight] = useState(parties[1] ?? '');
  const [words, setWords] = useState(true);
  const left = latest.get(leftParty) ?? latest.get(parties[0] ?? '');
  const right = latest.get(rightParty) ?? latest.get(parties[1] ?? '');
  const bridge = useAsync(async () => {
    if (!left || !right || left.lang === right.lang) return null;
    const ofRight = await translationInto(right, left.lang);
    if (ofRight) return { of: 'b' as const, ...ofRight };
    const ofLeft = await translationInto(left, right.lang);
    return ofLeft ? { of: 'a' as const, ...ofLeft } : null;
  }, [left?.id, right?.id]);
  const module = useAsync(loadAlignment, []);
  const result = useMemo(
    () =>
      left && right && !bridge.loading && module.data
        ? module.data.alignReadouts(
            { text: left.text, lang: left.lang },
            { text: right.text, lang: right.lang },
            bridge.data ? { translation: bridge.data } : {},
          )
        : null,
    [left, right, bridge.data, bridge.loading, module.data],
  );
  if (!left || !right) return null;

  return (
    <section class="readout-compare" aria-labelledby={`${id}-title`} data-compare={id}>
      <div class="compare-head">
        <h4 id={`${id}-title`}>{t('compareTitle')}</h4>
        {result && (
          <p class="compare-summary" role="status">
            {(['same', 'similar', 'conflict', 'one-side'] as const).map((label) => (
              <span key={label} class={`count l-${label}`} data-count={label}>
                {SYMBOL[label]} {rt(LABEL[label])}: {result.counts[label]}
              </span>
            ))}
          </p>
        )}
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
            <span class="point-label l-same">= {rt('legendSame')}</span>
          </li>
          <li>
            <span class="point-label l-similar">~ {rt('legendSimilar')}</span>
          </li>
          <li>
            <mark class="w-conflict">{rt('legendConflict')}</mark>
          </li>
          <li>
            <span class="point-label l-one-side">· {rt('legendOneSide')}</span>
          </li>
          {words && (
            <li>
              <mark class="w-differs">{t('legendWords')}</mark>
            </li>
          )}
        </ul>
      </div>
      {result && !result.comparable && <p class="notice small">{rt('notComparable')}</p>}
      {result && (
        <>
          <div class="compare-columns compare-heads">
            <SideHead readout={left} translated={bridge.data?.of === 'a' ? bridge.data : null} />
            <SideHead readout={right} translated={bridge.data?.of === 'b' ? bridge.data : null} />
          </div>
          <ol class="compare-points">
            {result.points.map((point, k) => (
              <PointRow key={k} point={point} left={left} right={right} words={words} />
            ))}
          </ol>
          <JointSummary
            left={left}
            right={right}
            points={result.points}
            sides={[result.a, result.b]}
            split={module.data!.splitSentences}
            id={id}
          />
        </>
      )}
    </section>
  );
}

function SideHead({ readout, translated }: { readout: Readout; translated: Translation | null }) {
  return (
    <header class="readout-column" data-party={readout.party}>
      <strong>{readout.party}</strong> · {readout.author}
      <div class="muted small">
        {formatHlc(readout.at)} · {t('writtenIn')} <span class="mono">{readout.lang}</span>
      </div>
      {translated && (
        <>
          <p class="translated-note small" data-translation={translated.id}>
            <span class="mono">{translated.lang}</span>: {rt('throughTranslation')}
          </p>
          <details class="small">
            <summary>{rt('originalText')}</summary>
            <p class="readout-text" lang={readout.lang}>
              {readout.text}
            </p>
          </details>
        </>
      )}
    </header>
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

function PointRow(props: { point: AlignedPoint; left: Readout; right: Readout; words: boolean }) {
  const { point } = props;
  return (
    <li class={`aligned-point l-${point.label}`} data-label={point.label}>
      <div class="point-side" data-party={props.left.party} lang={props.left.lang}>
        <Parts parts={point.aParts} words={props.words} />
      </div>
      <div class="point-label-cell">
        <span class={`point-label l-${point.label}`}>
          {SYMBOL[point.label]} {rt(LABEL[point.label])}
        </span>
        {point.conflicts.length > 0 && (
          <span class="muted small conflict-types">
            {rt('conflictTypes')}: {point.conflicts.map((c) => c.type).join(', ')}
          </span>
        )}
      </div>
      <div class="point-side" data-party={props.right.party} lang={props.right.lang}>
        <Parts parts={point.bParts} words={props.words} />
      </div>
    </li>
  );
}

function Parts({ parts, words }: { parts: SentencePart[] | null; words: boolean }) {
  if (!parts) return <span class="muted">—</span>;
  return (
    <span class="sentence">
      {parts.map((p, i) =>
        p.mark === 'conflict' ? (
          <mark key={i} class="w-conflict">
            {p.text}
          </mark>
        ) : p.mark === 'differs' && words ? (
          <mark key={i} class="w-differs">
            {p.text}
          </mark>
        ) : (
          p.text
        ),
      )}
    </span>
  );
}

type Summaries = Awaited<ReturnType<typeof loadSummaries>>;
const loadSummaries = (channel: string) =>
  request('GET /api/v1/channels/{channel}/summaries', { path: { channel } });

/** The summary id of a call: its briefing's (`briefing-ru-12`), or `call` for readouts of none. */
function summaryId(briefing: string | null): string {
  if (!briefing) return 'call';
  const [party, seq] = briefing.split('/').slice(-2);
  return `briefing-${party!.toLowerCase()}-${seq}`;
}

function JointSummary(props: {
  left: Readout;
  right: Readout;
  points: AlignedPoint[];
  sides: [AlignedSide, AlignedSide];
  split: (text: string) => Array<{ text: string }>;
  id: string;
}) {
  const channel = channelOf(props.left.id);
  const data = useAsync(async () => {
    const [me, listed, summaries] = await Promise.all([
      request('GET /api/v1/me', {}),
      request('GET /api/v1/channels/{channel}/readouts', { path: { channel } }),
      loadSummaries(channel),
    ]);
    const entry = (r: Readout) => listed.readouts.find((x) => x.id === r.id);
    return { me, left: entry(props.left), right: entry(props.right), summaries };
  }, [channel, props.left.id, props.right.id]);
  const [proposing, setProposing] = useState<number | null>(null);
  const mayWrite = useMayWrite();
  if (!data.data || !data.data.left || !data.data.right) return null;
  const { me, left, right } = data.data;
  const summary = summaryId(left.of);
  const points = data.data.summaries.summaries.find((s) => s.summary === summary)?.points ?? [];
  const myParty = me.node.party;
  /**
   * What a point quotes of a readout: its sentence as written; for a side read through a
   * translation, the original's sentence at the same place when both have as many sentences
   * (else nothing: the person quotes it by revising the point).
   */
  const quoteOf = (readout: ReadoutEntry, side: AlignedSide, index: number | null): string | null => {
    if (index === null) return null;
    const sentences = side.translated ? props.split(readout.text) : side.sentences;
    if (sentences.length !== side.sentences.length) return null;
    return sentences[index]?.text.trim() || null;
  };
  return (
    <section class="joint-summary" aria-labelledby={`${props.id}-summary`} data-summary={summary}>
      <h5 id={`${props.id}-summary`}>{rt('summaryTitle')}</h5>
      <p class="muted small">{rt('summaryHint')}</p>
      {points.length === 0 && <p class="muted">{rt('summaryNone')}</p>}
      <ul class="summary-points">
        {points.map((p) => (
          <SummaryPointItem key={p.id} point={p} myParty={myParty} channel={channel} onChange={data.reload} />
        ))}
      </ul>
      <div class="propose-points">
        {mayWrite &&
          props.points.map((point, k) => {
            const quotes = [
              { readout: left, quote: quoteOf(left, props.sides[0], point.a) },
              { readout: right, quote: quoteOf(right, props.sides[1], point.b) },
            ].filter((q): q is { readout: ReadoutEntry; quote: string } => q.quote !== null);
            if (quotes.length === 0) return null;
            return proposing === k ? (
              <PointProposal
                key={k}
                channel={channel}
                summary={summary}
                pointId={`p${points.length + 1}`}
                point={point}
                quotes={quotes}
                onDone={() => {
                  setProposing(null);
                  data.reload();
                }}
              />
            ) : (
              <button
                key={k}
                type="button"
                class="secondary small"
                data-point={k}
                onClick={() => setProposing(k)}
              >
                {rt('proposePoint')}: {k + 1}
              </button>
            );
          })}
      </div>
    </section>
  );
}

type SummaryPoint = Summaries['summaries'][number]['points'][number];

function SummaryPointItem(props: {
  point: SummaryPoint;
  myParty: string;
  channel: string;
  onChange: () => void;
}) {
  const { point } = props;
  const mayWrite = useMayWrite();
  const signing = useSubmit();
  const sign = () =>
    signing.run(async () => {
      const [party, seq] = point.id.split('/').slice(-2);
      await contactsApi.post(props.channel, {
        kind: 'summary-sign',
        body: { of: { party: party!, seq: Number(seq), hash: point.hash } },
      });
      props.onChange();
    });
  return (
    <li class={`summary-point sp-${point.state}`} data-point={point.point} data-state={point.state}>
      <div>
        <span class={`badge sp-state-${point.state}`}>
          {point.state === 'agreed' ? rt('stateAgreed') : rt('stateOpen')}
        </span>{' '}
        <span class="badge">
          {rt(
            point.status === 'agreed'
              ? 'statusAgreed'
              : point.status === 'disputed'
                ? 'statusDisputed'
                : 'statusUnilateral',
          )}
        </span>
        {point.party && <span class="muted small"> ({point.party})</span>}
      </div>
      <p class="summary-text">{point.text}</p>
      <p class="muted small">
        {rt('signed')}: {point.signatures.map((s) => `${s.party} · ${s.by}`).join('; ')}
        {point.waitingFor.length > 0 && ` · ${rt('waiting')}: ${point.waitingFor.join(', ')}`}
        {' · '}
        <span class="mono">sha256:{point.hash.slice(0, 12)}…</span>
      </p>
      {mayWrite && point.waitingFor.includes(props.myParty) && (
        <button type="button" class="primary" disabled={signing.busy} onClick={() => void sign()}>
          {rt('signPoint')}
        </button>
      )}
      <FormError message={signing.error} />
    </li>
  );
}
