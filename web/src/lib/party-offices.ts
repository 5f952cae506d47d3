/**
 * The way a form writes parties and their offices (creating a channel, proposing that parties
 * join one): `US=us-ops,us-cia; NATO=nato-sg`.
 */

/** Parses `US=us-ops,us-cia; NATO=nato-sg` into a record of party → offices. */
export function parsePartyOffices(text: string): Record<string, string[]> | undefined {
  const result: Record<string, string[]> = {};
  for (const part of text
    .split(/[;\n]/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [party, offices = ''] = part.split('=').map((s) => s.trim());
    if (!party) continue;
    result[party] = offices
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean);
  }
  return Object.keys(result).length > 0 ? result : undefined;
}
