/**
 * Commitments and cadence: the commitments to keep contact in my channels with their periods
 * (commitments.tsx), each channel's figures as the node computes them (channel-figures.tsx), and
 * charts of contacts, response times and link health (cadence-charts.tsx).
 */
import type { Me } from '../../lib/api';
import { Charts } from './cadence-charts';
import { ChannelFigures } from './channel-figures';
import { Commitments } from './commitments';
import { locale } from '../../lib/i18n';
import { t } from './messages';
import { useSignal } from '../../lib/signal';

export function CadenceScreen({ me }: { me: Me }) {
  useSignal(locale);
  return (
    <div class="cadence-screen">
      <h1>{t('cadenceTitle')}</h1>
      <p class="muted">{t('cadenceIntro')}</p>
      <Commitments me={me} />
      <ChannelFigures />
      <Charts />
    </div>
  );
}
