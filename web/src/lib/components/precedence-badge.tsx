/** Precedence (ACP 121 naming) as a coloured badge; FLASH stands out most. */
import type { Precedence } from '../api';

export function PrecedenceBadge({ precedence }: { precedence: Precedence }) {
  return <span class={`badge precedence precedence-${precedence.toLowerCase()}`}>{precedence}</span>;
}
