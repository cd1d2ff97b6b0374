/**
 * The peer side of protocol.ts for Node peers: reads one JSON request per line from stdin, answers one JSON
 * line on stdout. stdout carries replies only; anything a library prints goes to stderr.
 */
import { createInterface } from 'node:readline';
import type { PeerReply, PeerRequest } from './protocol.ts';

export type Handler = (request: PeerRequest) => Promise<PeerReply>;

export async function serve(handler: Handler, ready: Record<string, unknown> = {}): Promise<void> {
  const out = process.stdout.write.bind(process.stdout);
  // Libraries (tfjs, nanogpt) log with console.log: keep stdout for the protocol.
  console.log = (...args: unknown[]) => console.error(...args);
  const reply = (r: PeerReply | Record<string, unknown>) => out(JSON.stringify(r) + '\n');
  reply({ ready: true, ok: true, ...ready });
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let request: PeerRequest;
    try {
      request = JSON.parse(line) as PeerRequest;
    } catch {
      reply({ ok: false, error: `not JSON: ${line.slice(0, 80)}` });
      continue;
    }
    try {
      reply(await handler(request));
    } catch (err) {
      reply({ ok: false, error: (err instanceof Error ? err.message : String(err)).split('\n')[0] });
    }
    if (request.op === 'close') break;
  }
  process.exit(0);
}
