import type { Got } from 'got';

/**
 * One HTTP attempt at KMS, read within bounds: the reply body is counted after decompression
 * and the request is aborted the moment it passes `maxBytes` (a declared `Content-Length` over
 * it is refused before any body byte is read), and the whole attempt, body included, ends at
 * `timeoutMs`. Nothing here throws: every ending is an {@link AttemptOutcome}, so the caller
 * decides what counts against KMS, what is retried and what the GraphQL caller is told.
 */

/** How one attempt ended. */
export type AttemptOutcome =
  /** KMS answered: any status, the whole body read. `retryAfter` is the raw header, if any. */
  | { kind: 'answered'; status: number; body: string; retryAfter: string | undefined }
  /** No complete answer in time; `started` tells whether the status line had arrived. */
  | { kind: 'timeout'; started: boolean }
  /** The reply was larger than allowed (declared or counted). */
  | { kind: 'too-large'; status: number }
  /** The connection failed or was cut (refused, reset, truncated body). */
  | { kind: 'connection' };

/** What varies per attempt; everything else was fixed once in the `got.extend` instance. */
export interface AttemptRequest {
  /** The KMS action, the last path segment (`list-grants`). */
  action: string;
  headers: Record<string, string>;
  /** The serialised JSON body. */
  body: string;
  timeoutMs: number;
  maxBytes: number;
}

/** Sends one attempt on `client` (a got instance with `prefixUrl`, POST, no retries, no HTTP errors thrown). */
export function sendAttempt(client: Got, request: AttemptRequest): Promise<AttemptOutcome> {
  return new Promise((resolve) => {
    const stream = client.stream(request.action, {
      headers: request.headers,
      body: request.body,
      timeout: { request: request.timeoutMs },
    });
    let status = 0;
    let retryAfter: string | undefined;
    let size = 0;
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (outcome: AttemptOutcome): void => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const refuse = (): void => {
      finish({ kind: 'too-large', status });
      // The rest is not wanted: the socket is closed rather than drained.
      stream.destroy();
    };
    stream.once('response', (response: { statusCode: number; headers: Record<string, string | string[] | undefined> }) => {
      status = response.statusCode;
      const header = response.headers['retry-after'];
      retryAfter = typeof header === 'string' ? header : undefined;
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > request.maxBytes) refuse();
    });
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > request.maxBytes) {
        refuse();
        return;
      }
      chunks.push(chunk);
    });
    stream.once('end', () => {
      finish({ kind: 'answered', status, body: Buffer.concat(chunks).toString('utf8'), retryAfter });
    });
    stream.once('error', (error: Error & { code?: string }) => {
      const timedOut = error.name === 'TimeoutError' || error.code === 'ETIMEDOUT';
      finish(timedOut ? { kind: 'timeout', started: status !== 0 } : { kind: 'connection' });
    });
  });
}
