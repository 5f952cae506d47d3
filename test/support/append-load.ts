/** Clients that append to a node until told to stop, keeping what the node acknowledged. */

export interface Accepted {
  seq: number;
  hash: string;
  text: string;
}

/** Appends FLASH notes to channel `intel` until the signal fires; records only answers that said 201. */
export async function hammer(
  url: string,
  token: string,
  stop: AbortSignal,
  accepted: Accepted[],
  tag: string,
): Promise<void> {
  let i = 0;
  while (!stop.aborted) {
    const text = `${tag}-${i++}`;
    try {
      const response = await fetch(`${url}/api/v1/channels/intel/entries`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'note', precedence: 'FLASH', body: { text } }),
      });
      if (response.status === 201) {
        const entry = (await response.json()) as { seq: number; hash: string };
        accepted.push({ seq: entry.seq, hash: entry.hash, text });
      } else {
        await response.text();
      }
    } catch {
      // The node died under us: this append was never acknowledged, so it may or may not exist.
      return;
    }
  }
}
