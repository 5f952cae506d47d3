/**
 * Everything about one entry: its words as written, hash, previous hash, seq, author and key,
 * signature, and checks made here in the browser: the canonical form hashes to `hash`, the
 * Ed25519 signature verifies (WebCrypto), the entry links to the previous one of its chain, and
 * its author's key was published in the chain. Delivery per party and the receipt form follow.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Channel, Delivery, Entry } from '../../lib/api';
import { t } from './messages';
import { formatHlc } from '../../lib/i18n';
import type { TimelineStore } from './timeline-store';
import { verifyEntry, type EntryCheck } from './verify-entry';
import { AckForm, ItemPanel } from '../obligations';
import { deliveryLabel } from './delivery-badges';
import { OriginalText, TranslationsPanel } from '../language';
import { MarkingBanner } from './marking-banner';
import { PrecedenceBadge } from '../../lib/components/precedence-badge';
import { summarizeEntry } from './entry-summary';

type ChainCheck = 'first' | 'linked' | 'broken' | 'unknown';

function chainCheck(entry: Entry, store: TimelineStore): ChainCheck {
  if (entry.seq === 0) return entry.prev === null ? 'first' : 'broken';
  const previous = store.find(entry.party, entry.seq - 1);
  if (!previous) return 'unknown';
  return previous.hash === entry.prev ? 'linked' : 'broken';
}

/** Whether the author's key was published earlier in the same chain (node key or person key). */
function keyPublished(entry: Entry, store: TimelineStore): boolean | null {
  if (entry.author === 'node') {
    const first = store.find(entry.party, 0);
    if (!first) return null;
    return first.body.nodeKey === entry.authorKey;
  }
  let complete = true;
  for (let seq = entry.seq - 1; seq >= 0; seq -= 1) {
    const earlier = store.find(entry.party, seq);
    if (!earlier) {
      complete = false;
      continue;
    }
    if (
      earlier.kind === 'principal-key' &&
      earlier.body.principal === entry.author &&
      earlier.body.publicKey === entry.authorKey
    )
      return true;
  }
  return complete ? false : null;
}

export function EntryInspector(props: {
  channel: Channel;
  entry: Entry;
  store: TimelineStore;
  delivery: Delivery | null;
  myParty: string;
  /** Changes whenever the channel's log grows (to refresh the item's status). */
  version: number;
  onClose: () => void;
}) {
  const { entry, store } = props;
  const [check, setCheck] = useState<EntryCheck | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    let current = true;
    setCheck(null);
    void verifyEntry(entry).then((result) => current && setCheck(result));
    heading.current?.focus();
    return () => {
      current = false;
    };
  }, [entry]);
  const summary = summarizeEntry(entry);
  const chain = chainCheck(entry, store);
  const published = keyPublished(entry, store);
  const canAck =
    entry.party !== props.myParty &&
    entry.author !== 'node' &&
    entry.kind !== 'receipt' &&
    entry.kind !== 'received';
  const isItem = entry.kind === 'note' || entry.kind === 'notification';
  const hasText = typeof entry.body.text === 'string' && entry.kind !== 'translation';
  const fields =
    entry.kind === 'notification' ? (entry.body.fields as Record<string, unknown> | undefined) : undefined;
  const template = entry.body.template as { name?: string; version?: number } | undefined;

  return (
    <aside class="inspector card" aria-labelledby="inspector-title" data-entry={entry.id}>
      <div class="inspector-head">
        <h2 id="inspector-title" tabIndex={-1} ref={heading}>
          {t('inspector')} <span class="mono">{entry.id}</span>
        </h2>
        <button type="button" class="secondary" onClick={props.onClose} aria-label={t('close')}>
          ✕
        </button>
      </div>
      {entry.marking && <MarkingBanner marking={entry.marking} />}
      <p class="entry-meta">
        <PrecedenceBadge precedence={entry.precedence} /> <span>{entry.kind}</span> ·{' '}
        <span>{entry.author}</span> · <span>{formatHlc(entry.hlc)}</span> ·{' '}
        <span lang="en">{entry.lang}</span>
      </p>
      <section aria-label={t('body')} class="inspector-body">
        {summary.subject && <h3 lang={entry.kind === 'note' ? entry.lang : undefined}>{summary.subject}</h3>}
        {hasText ? (
          <OriginalText
            channel={props.channel}
            entry={entry}
            canAsk={isItem && entry.party !== props.myParty}
            onAsked={() => undefined}
          />
        ) : (
          summary.text && (
            <p class="entry-full-text" lang={summary.authored ? entry.lang : undefined}>
              {summary.text}
            </p>
          )
        )}
        {fields && (
          <table class="notification-fields">
            <caption>
              {t('templateFields')} {template?.name}@{template?.version}
            </caption>
            <tbody>
              {Object.entries(fields).map(([name, value]) => (
                <tr key={name}>
                  <th scope="row" class="mono">
                    {name}
                  </th>
                  <td>{typeof value === 'string' ? value : JSON.stringify(value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {isItem && (
        <ItemPanel channel={props.channel} entry={entry} myParty={props.myParty} version={props.version} />
      )}
      {canAck && <AckForm key={entry.id} channel={props.channel} entry={entry} onDone={() => undefined} />}
      {hasText && <TranslationsPanel channel={props.channel} entry={entry} version={props.version} />}

      <section aria-labelledby="verify-title">
        <h3 id="verify-title">{t('verification')}</h3>
        <ul class="checks">
          <li data-check="signature" data-ok={check ? String(check.signatureValid) : 'pending'}>
            {t('signature')}:{' '}
            {check === null ? (
              t('checking')
            ) : check.signatureValid ? (
              <strong class="ok-text">✓ {t('verified')}</strong>
            ) : (
              <strong class="bad-text">✗ {t('notVerified')}</strong>
            )}
            {check?.problem && <span class="muted"> ({check.problem})</span>}
          </li>
          <li data-check="hash" data-ok={check ? String(check.hashMatches) : 'pending'}>
            {t('hashCheck')}:{' '}
            {check === null ? (
              t('checking')
            ) : check.hashMatches ? (
              <strong class="ok-text">✓ {t('hashMatches')}</strong>
            ) : (
              <strong class="bad-text">✗ {t('hashMismatch')}</strong>
            )}
          </li>
          <li
            data-check="chain"
            data-ok={chain === 'broken' ? 'false' : chain === 'unknown' ? 'unknown' : 'true'}
          >
            {t('chainPosition')}:{' '}
            {chain === 'broken' ? (
              <strong class="bad-text">✗ {t('chainBroken')}</strong>
            ) : chain === 'unknown' ? (
              <span class="muted">{t('chainUnknown')}</span>
            ) : (
              <strong class="ok-text">✓ {chain === 'first' ? t('chainFirst') : t('chainLinked')}</strong>
            )}
          </li>
          <li data-check="key" data-ok={String(published)}>
            {t('keyPublished')}:{' '}
            {published === null ? (
              <span class="muted">{t('chainUnknown')}</span>
            ) : published ? (
              <strong class="ok-text">✓ {t('keyPublishedYes')}</strong>
            ) : (
              <strong class="bad-text">✗ {t('keyPublishedNo')}</strong>
            )}
          </li>
        </ul>
      </section>

      <dl class="fields">
        <dt>{t('fieldSeq')}</dt>
        <dd class="mono">
          {entry.party}/{entry.seq}
        </dd>
        <dt>{t('fieldAuthor')}</dt>
        <dd>{entry.author}</dd>
        <dt>{t('fieldHash')}</dt>
        <dd class="mono break">{entry.hash}</dd>
        <dt>{t('fieldPrev')}</dt>
        <dd class="mono break">{entry.prev ?? '—'}</dd>
        <dt>{t('fieldAuthorKey')}</dt>
        <dd class="mono break">{entry.authorKey}</dd>
        <dt>{t('fieldSignature')}</dt>
        <dd class="mono break">{entry.sig}</dd>
        <dt>{t('fieldTime')}</dt>
        <dd>
          {/* The signed stamp itself stays one hover away, for whoever checks the signature. */}
          <time dateTime={entry.hlc.split('/')[0]} title={entry.hlc}>
            {formatHlc(entry.hlc)}
          </time>
        </dd>
      </dl>

      {entry.author !== 'node' && (
        <section aria-labelledby="delivery-title">
          <h3 id="delivery-title">{t('delivery')}</h3>
          {props.delivery === null ? (
            <p class="muted">{t('loading')}</p>
          ) : props.delivery.length === 0 ? (
            <p class="muted">{t('deliveryNone')}</p>
          ) : (
            <ul class="delivery-list">
              {props.delivery.map((p) => (
                <li key={p.party} data-party={p.party} data-state={p.state}>
                  <span class={`badge delivery delivery-${p.state}`}>
                    {p.party}: {deliveryLabel(p.state)}
                  </span>
                  {p.deliveredAt && <span class="muted"> {formatHlc(p.deliveredAt)}</span>}
                  {p.receipts.map((r) => (
                    <span key={r.id} class="muted">
                      {' '}
                      · {r.level} — {r.by}, {formatHlc(r.at)}
                    </span>
                  ))}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </aside>
  );
}
