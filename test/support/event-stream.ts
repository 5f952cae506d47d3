/** Reads a node's Server-Sent Events stream over real HTTP, as a browser's EventSource would. */

export interface StreamEvent {
  event: string;
  id: number | null;
  data: unknown;
}

/**
 * The events of an SSE body as they arrive (blocks with a `data:` line; others, such as
 * comments kept for keep-alive, are skipped). `beforeRead` runs before each read.
 */
export async function* streamEvents(
  body: ReadableStream<Uint8Array>,
  beforeRead: () => void = () => {},
): AsyncGenerator<StreamEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    beforeRead();
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (data === undefined) continue;
      const id = /^id: (\d+)$/m.exec(block)?.[1];
      yield {
        event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message',
        id: id === undefined ? null : Number(id),
        data: JSON.parse(data) as unknown,
      };
    }
  }
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
    if (options.enough(events)) return { status, events };
    let opened = false;
    for await (const event of streamEvents(response.body!, () => {
      if (!opened) {
        opened = true;
        void options.onOpen?.();
      }
    })) {
      events.push(event);
      if (options.enough(events)) break;
    }
  } catch (error) {
    if ((error as Error).name !== 'AbortError') throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return { status, events };
}
