/** The interface's name of an entry kind (`briefing-proposal` → "Briefing proposed"), or the kind itself. */
import { t, type MessageKey } from './messages';

export function kindLabel(kind: string): string {
  const key = `kind:${kind}` as MessageKey;
  const label = t(key);
  return label === key ? kind : label;
}
