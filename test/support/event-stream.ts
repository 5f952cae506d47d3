/** Reads a node's Server-Sent Events stream over real HTTP, as a browser's EventSource would. */

export interface StreamEvent {
  event: string;
  id: number | null;
  data: unknown;
}

/**
 * Opens `path` on `url` with `token` and collects events until `enough(events)` says so, the
 * server ends the stream, or `ms` pass. `onOpen` runs once the response headers arrived, so a
 * test can write entries only after the stream is listening.
 */
export async function readEvents(
  url: string,
  path: string,
  token: string,
  options: {
    enough: (events: StreamEvent[]) => boolean;
    ms: number;
    headers?: Record<string, string>;
    onOpen?: () => Promise<void>;
  },
): Promise<{ status: number; events: StreamEvent[] }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.ms);
  const events: StreamEvent[] = [];
  let status = 0;
  try {
    const response = await fetch(`${url}${path}`, {
      headers: { authorization: `Bearer ${token}`, ...options.headers },
      signal: controller.signal,
    });
    status = response.status;
    if (status !== 200) return { status, events };
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let opened = false;
    while (!options.enough(events)) {
      if (!opened) {
        opened = true;
        void options.onOpen?.();
      }
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (data === undefined) continue;
        const id = /^id: (\d+)$/m.exec(block)?.[1];
        events.push({
          event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message',
          id: id === undefined ? null : Number(id),
          data: JSON.parse(data) as unknown,
        });
      }
    }
  } catch (error) {
    if ((error as Error).name !== 'AbortError') throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return { status, events };
}
