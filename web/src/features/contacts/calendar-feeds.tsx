/**
 * A channel's calendar (README "Briefings and calls"): its briefings as an iCalendar download, and
 * subscription addresses with their own read-only token (`POST /api/v1/calendar-feeds`), shown
 * once when made, listed afterwards without it, and revoked here (`DELETE`), after a confirmation,
 * since every calendar subscribed to the address stops updating.
 */
import { useState } from 'preact/hooks';
import type { Channel } from '../../lib/api';
import { request } from '../../lib/api';
import { FormError } from '../../lib/components/field';
import { formatTime } from '../../lib/i18n';
import { useAsync } from '../../lib/use-async';
import { useSubmit } from '../../lib/use-submit';
import { ct } from './calendar-messages';

export function CalendarPanel({ channel }: { channel: Channel }) {
  const feeds = useAsync(() => request('GET /api/v1/calendar-feeds', {}), []);
  const [created, setCreated] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const creating = useSubmit();
  const mine = (feeds.data?.feeds ?? []).filter((f) => f.scope === 'channel' && f.target === channel.id);
  const create = () =>
    creating.run(async () => {
      const feed = await request('POST /api/v1/calendar-feeds', {
        body: { scope: 'channel', target: channel.id },
      });
      // The node answers with its path; a calendar application needs the whole address.
      setCreated(feed.url ? new URL(feed.url, window.location.origin).href : null);
      setNotice(null);
      feeds.reload();
    });
  return (
    <section class="card calendar-panel" aria-labelledby="calendar-title">
      <h3 id="calendar-title">{ct('calendarTitle')}</h3>
      <p class="muted">{ct('calendarIntro')}</p>
      <div class="actions">
        <a
          class="button secondary"
          href={`/api/v1/channels/${encodeURIComponent(channel.id)}/calendar.ics`}
          download={`${channel.id}.ics`}
        >
          {ct('download')}
        </a>
        <button type="button" class="secondary" disabled={creating.busy} onClick={() => void create()}>
          {creating.busy ? ct('creating') : ct('subscribe')}
        </button>
      </div>
      <FormError message={creating.error} />
      {created && (
        <div class="field new-feed">
          <label for="calendar-feed-url">{ct('newAddress')}</label>
          <input
            id="calendar-feed-url"
            class="mono"
            readOnly
            value={created}
            aria-describedby="calendar-feed-hint"
            onFocus={(e) => e.currentTarget.select()}
          />
          <span class="hint" id="calendar-feed-hint">
            {ct('newAddressHint')}
          </span>
        </div>
      )}
      {notice && (
        <p class="ok-text" role="status">
          {notice}
        </p>
      )}
      <h4>{ct('feedsTitle')}</h4>
      {feeds.data && mine.length === 0 && <p class="muted">{ct('noFeeds')}</p>}
      {mine.length > 0 && (
        <ul class="feed-list">
          {mine.map((feed) => (
            <FeedRow
              key={feed.id}
              id={feed.id}
              createdAt={feed.createdAt}
              onRevoked={() => {
                setCreated(null);
                setNotice(ct('revoked'));
                feeds.reload();
              }}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function FeedRow(props: { id: string; createdAt: string; onRevoked: () => void }) {
  const [asking, setAsking] = useState(false);
  const revoking = useSubmit();
  const revoke = () =>
    revoking.run(async () => {
      await request('DELETE /api/v1/calendar-feeds/{id}', { path: { id: props.id } });
      props.onRevoked();
    });
  return (
    <li class="feed" data-feed={props.id}>
      <span>
        {ct('createdOn')} {formatTime(props.createdAt)}
      </span>{' '}
      {asking ? (
        <span role="group" aria-label={ct('revokeAsk')}>
          <span>{ct('revokeAsk')}</span>{' '}
          <button type="button" class="danger" disabled={revoking.busy} onClick={() => void revoke()}>
            {ct('revokeYes')}
          </button>{' '}
          <button type="button" class="secondary" onClick={() => setAsking(false)}>
            {ct('revokeNo')}
          </button>
        </span>
      ) : (
        <button type="button" class="secondary" onClick={() => setAsking(true)}>
          {ct('revoke')}
        </button>
      )}
      <FormError message={revoking.error} />
    </li>
  );
}
