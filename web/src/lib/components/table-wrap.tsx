/**
 * A table that may scroll sideways on a narrow screen. The scrolling box takes focus, so keyboard
 * users can scroll it too (WCAG 2.1.1; axe's "scrollable-region-focusable"), and is a named region.
 */
import type { ComponentChildren } from 'preact';
import { t } from '../messages';

export function TableWrap({ label, children }: { label?: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap" role="region" aria-label={label ?? t('tableRegion')} tabIndex={0}>
      {children}
    </div>
  );
}
