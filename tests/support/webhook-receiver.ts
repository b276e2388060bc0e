// A webhook receiver on 127.0.0.1 for the alerts tests: it verifies every request with the
// `standardwebhooks` package (as a customer's receiver would), answers with the statuses it is told
// to (500, 429 with Retry-After, 410 …; 200 once the script runs out) and records every request.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The payload when the signature verified; null when it did not (or there is no secret yet). */
  verified: Record<string, unknown> | null;
  /** What the receiver answered. */
  status: number;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
}

export interface Receiver {
  url: (path?: string) => string;
  /** The secret to verify with (given once the channel is made). */
  setSecret: (secret: string) => void;
  /** The next answers, in order; then 200. */
  answer: (...answers: ScriptedAnswer[]) => void;
  received: () => Received[];
  /** Requests answered 2xx with a valid signature. */
  accepted: () => Received[];
  close: () => Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  let secret: string | undefined;
  const script: ScriptedAnswer[] = [];
  const log: Received[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(request.headers).map(([key, value]) => [key, String(value)]));
      let verified: Record<string, unknown> | null = null;
      try {
        verified = secret ? (new Webhook(secret).verify(body, headers) as Record<string, unknown>) : null;
      } catch {
        verified = null;
      }
      const next = script.shift() ?? { status: verified || !secret ? 200 : 401 };
      log.push({ path: request.url ?? '/', headers, body, verified, status: next.status });
      response.writeHead(next.status, { 'content-type': 'text/plain', ...next.headers });
      response.end(next.status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    setSecret: (value) => {
      secret = value;
    },
    answer: (...answers) => {
      script.push(...answers);
    },
    received: () => [...log],
    accepted: () => log.filter((entry) => entry.status < 300 && (entry.verified !== null || !secret)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
