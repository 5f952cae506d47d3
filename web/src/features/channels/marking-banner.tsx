/** The unmistakable banner on entries that are not real traffic (`marking` TEST or EXERCISE). */
import type { Marking } from '../../lib/api';

export function MarkingBanner({ marking, compact = false }: { marking: Marking; compact?: boolean }) {
  const words = compact ? marking : `${marking} — ${marking} — ${marking}`;
  return (
    <span class={`marking marking-${marking.toLowerCase()}${compact ? ' compact' : ''}`} role="note">
      {words}
    </span>
  );
}
