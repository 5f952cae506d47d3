/** A peer link's health (up, degraded, down, unknown) with the time it has been so. */
import type { Peer } from '../api';
import { formatTime } from '../i18n';

export function LinkBadge({
  peer,
  withSince = false,
}: {
  peer: Pick<Peer, 'party' | 'status' | 'since'>;
  withSince?: boolean;
}) {
  return (
    <span
      class={`badge link link-${peer.status}`}
      title={`${peer.party}: ${peer.status} since ${formatTime(peer.since)}`}
    >
      <span aria-hidden="true" class="dot" />
      {peer.party} {peer.status}
      {withSince && peer.since > 0 ? ` · ${formatTime(peer.since)}` : ''}
    </span>
  );
}
