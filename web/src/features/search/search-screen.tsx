/**
 * The search screen: words and filters (channel, party, kind, precedence, marking, dates), then
 * the hits newest first, each with its channel, precedence, marking, kind, author and time and a
 * snippet whose matching words are marked; "More results" pages on. The words and the channel
 * are in the URL, so a search can be reloaded or shared.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, MARKINGS, PRECEDENCES, type Channel, type SearchHit, type SearchQuery } from '../../lib/api';
import { SelectField } from '../../lib/components/field';
import { PrecedenceBadge } from '../../lib/components/precedence-badge';
import { EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { formatTime } from '../../lib/i18n';
import { entryRoute, navigate, onLinkClick, routePath } from '../../lib/router';
import { useAsync } from '../../lib/use-async';
import { SEARCHED_KINDS, kindLabel, t } from './messages';

type Filters = Omit<SearchQuery, 'q' | 'before' | 'limit'>;

const PAGE = 20;

export function SearchScreen({ q, channel }: { q?: string; channel?: string }) {
  const channels = useAsync(() => api.channels(), []);
  const [words, setWords] = useState(q ?? '');
  const [filters, setFilters] = useState<Filters>(channel ? { channel } : {});
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function run(query: string, chosen: Filters, before?: number): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const result = await api.search({ q: query, ...chosen, limit: PAGE, ...(before ? { before } : {}) });
      setHits((previous) => (before && previous ? [...previous, ...result.hits] : result.hits));
      setNext(result.next);
    } catch (failure) {
      setError(failure);
      if (!before) setHits(null);
    } finally {
      setBusy(false);
    }
  }

  // The URL's words (from the switcher, a reload or a link) are searched at once.
  useEffect(() => {
    setWords(q ?? '');
    const chosen = { ...filters, ...(channel ? { channel } : {}) };
    if (q) void run(q, chosen);
    else setHits(null);
  }, [q, channel]);

  const set = <K extends keyof Filters>(key: K, value: Filters[K] | ''): void =>
    setFilters((f) => {
      const copy = { ...f };
      if (value === '' || value === undefined) delete copy[key];
      else copy[key] = value;
      return copy;
    });

  function submit(event: Event): void {
    event.preventDefault();
    const query = words.trim();
    if (!query) return;
    if (query === q && filters.channel === channel) void run(query, filters);
    else navigate({ screen: 'search', q: query, ...(filters.channel ? { channel: filters.channel } : {}) });
  }

  const names = new Map((channels.data ?? []).map((c: Channel) => [c.id, c.name]));
  return (
    <section aria-labelledby="search-title" class="search-screen">
      <h1 id="search-title">{t('searchTitle')}</h1>
      <p class="muted">{t('searchIntro')}</p>
      <form class="search-form" role="search" onSubmit={submit}>
        <div class="field search-words">
          <label for="search-q">{t('searchWords')}</label>
          <input
            id="search-q"
            name="q"
            type="search"
            value={words}
            autoComplete="off"
            onInput={(e) => setWords(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="primary" disabled={busy}>
          {t('searchButton')}
        </button>
        <div class="search-filters">
          <SelectField
            id="search-channel"
            label={t('searchChannel')}
            value={filters.channel ?? ''}
            onChange={(v) => set('channel', v)}
            options={[
              { value: '', label: t('searchAnyChannel') },
              ...(channels.data ?? []).map((c) => ({ value: c.id, label: c.name })),
            ]}
          />
          <SelectField
            id="search-kind"
            label={t('searchKind')}
            value={filters.kind ?? ''}
            onChange={(v) => set('kind', v)}
            options={[
              { value: '', label: t('searchAnyKind') },
              ...SEARCHED_KINDS.map((k) => ({ value: k, label: kindLabel(k) })),
            ]}
          />
          <SelectField
            id="search-precedence"
            label={t('searchPrecedence')}
            value={filters.precedence ?? ''}
            onChange={(v) => set('precedence', v === '' ? '' : v)}
            options={[
              { value: '', label: t('searchAnyPrecedence') },
              ...PRECEDENCES.map((p) => ({ value: p, label: p })),
            ]}
          />
          <SelectField
            id="search-marking"
            label={t('searchMarking')}
            value={filters.marking ?? ''}
            onChange={(v) => set('marking', v === '' ? '' : v)}
            options={[
              { value: '', label: t('searchAnyMarking') },
              { value: 'none', label: t('searchRealOnly') },
              ...MARKINGS.map((m) => ({ value: m, label: m })),
            ]}
          />
          <div class="field">
            <label for="search-party">{t('searchParty')}</label>
            <input
              id="search-party"
              name="party"
              value={filters.party ?? ''}
              placeholder="RU"
              onInput={(e) => set('party', e.currentTarget.value.trim().toUpperCase())}
            />
          </div>
          {(['from', 'to'] as const).map((name) => (
            <div class="field" key={name}>
              <label for={`search-${name}`}>{t(name === 'from' ? 'searchFrom' : 'searchTo')}</label>
              <input
                id={`search-${name}`}
                name={name}
                type="date"
                value={filters[name] ?? ''}
                onInput={(e) => set(name, e.currentTarget.value)}
              />
            </div>
          ))}
        </div>
      </form>
      {error ? <ErrorBox error={error} /> : null}
      {busy && !hits && <Loading />}
      {!q && !hits && !error && <EmptyState>{t('searchAsk')}</EmptyState>}
      {hits && hits.length === 0 && <EmptyState>{t('searchNothing')}</EmptyState>}
      {hits && hits.length > 0 && (
        <>
          <h2 class="visually-hidden">{t('searchResults')}</h2>
          <ol class="search-hits" aria-label={t('searchResults')}>
            {hits.map((hit) => (
              <HitRow key={hit.id} hit={hit} channelName={names.get(hit.channel) ?? hit.channelName} />
            ))}
          </ol>
        </>
      )}
      {next !== null && hits && (
        <button
          type="button"
          class="secondary"
          disabled={busy}
          onClick={() => void run(q ?? words, filters, next)}
        >
          {t('searchMore')}
        </button>
      )}
    </section>
  );
}

function HitRow({ hit, channelName }: { hit: SearchHit; channelName: string }) {
  const route = entryRoute(hit.id);
  return (
    <li class="search-hit">
      <div class="search-hit-head">
        <a href={routePath(route)} onClick={(e) => onLinkClick(e, route)} class="search-hit-link">
          {channelName} · {hit.party}/{hit.seq}
        </a>{' '}
        {hit.precedence !== 'ROUTINE' && <PrecedenceBadge precedence={hit.precedence} />}{' '}
        {hit.marking && <span class="badge marking">{hit.marking}</span>}{' '}
        <span class="muted">
          {kindLabel(hit.kind)} · {t('searchBy')} {hit.author} ·{' '}
          <time dateTime={hit.at}>{formatTime(hit.at)}</time>
        </span>
      </div>
      <p class="search-snippet">
        {hit.snippet.map((part, i) =>
          part.match ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>,
        )}
      </p>
    </li>
  );
}
