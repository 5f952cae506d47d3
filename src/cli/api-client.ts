/** A small typed client for the node's HTTP API, used by the CLI's user commands. */
import { CliError } from './output.js';

export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    if (!this.token) {
      throw new CliError(
        'unauthenticated',
        'no API token: set PARLEY_TOKEN (create one with `parley token create <user>`)',
        2,
      );
    }
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new CliError('unavailable', `cannot reach ${this.baseUrl}: ${(error as Error).message}`);
    }
    const text = await response.text();
    const data: unknown = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
      throw new CliError(
        error?.code ?? 'http_error',
        `${error?.message ?? `HTTP ${response.status}`} (${error?.code ?? response.status})`,
      );
    }
    return data as T;
  }
}
