/**
 * Approvals per party, each bound to the exact hash of the settled text: an approval of an earlier
 * text does not count for this one.
 */
import type { Statement } from '../../lib/api';
import { formatHlc } from '../../lib/i18n';
import { t } from './messages';

export function ApprovalTable({ statement: s, parties }: { statement: Statement; parties: string[] }) {
  return (
    <table class="approvals">
      <caption>{t('approvals')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('colParty')}</th>
          <th scope="col">{t('approval')}</th>
        </tr>
      </thead>
      <tbody>
        {parties.map((party) => {
          const approval = s.approvals.find((a) => a.party === party && a.textHash === s.textHash);
          return (
            <tr key={party} data-party={party} data-approved={String(Boolean(approval))}>
              <th scope="row">{party}</th>
              <td>
                {approval ? (
                  <span class="ok-text">
                    ✓ {approval.by}, {formatHlc(approval.at)} ·{' '}
                    <span class="mono small">{approval.textHash.slice(0, 12)}…</span>
                  </span>
                ) : (
                  <span class="muted">{t('notYet')}</span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
