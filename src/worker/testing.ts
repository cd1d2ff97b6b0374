/**
 * Test double for the worker: an in-memory port that connects a client to a host in the same thread
 * (structured clone included) over a local session built from `deps` (engine/training/testing.ts has fake
 * ones), which can also crash, hang, or lose its "GPU device" on request (the debug faults).
 */
import { createLocalSession, type LocalSessionDeps } from '../engine/training/local_session.ts';
import { createWorkerHost, type DebugHooks } from './host.ts';
import type { WorkerErrorEvent, WorkerPort } from './client.ts';
import type { WorkerEvent, WorkerRequest } from './protocol.ts';

/** An in-memory port with the debug faults: `crash()` fires 'error', `hang()` drops every later message. */
export type TestPort = WorkerPort & { host: ReturnType<typeof createWorkerHost>; crash(message: string): void; hang(): void; hung(): boolean };

/**
 * A client port wired to a host in this thread: messages go through structuredClone (as postMessage would)
 * and are delivered asynchronously. With `debug`, the host honours fault requests: 'lose-device' reports a
 * lost device, 'crash' fires the port's 'error' listeners, 'hang' stops all answers.
 */
export function inMemoryPort(deps: LocalSessionDeps, opts: { debug?: boolean } = {}): TestPort {
  const messageListeners: ((e: MessageEvent<WorkerEvent>) => void)[] = [];
  const errorListeners: ((e: WorkerErrorEvent) => void)[] = [];
  let hung = false;
  let terminated = false;
  const session = createLocalSession(deps);
  const hooks: DebugHooks = {
    loseDevice: () => setTimeout(() => session.deviceLost('the WebGPU device was lost (destroyed)'), 0),
    crash: () => setTimeout(() => port.crash('Uncaught Error: simulated worker crash (debug)'), 0),
    hang: () => setTimeout(() => port.hang(), 0),
  };
  const host = createWorkerHost(
    session,
    (event) => {
      if (hung || terminated) return;
      const data = structuredClone(event);
      queueMicrotask(() => messageListeners.forEach((l) => l(new MessageEvent('message', { data }))));
    },
    opts.debug ? hooks : undefined,
  );
  const port: TestPort = {
    host,
    postMessage(message: WorkerRequest) {
      if (hung || terminated) return;
      const data = structuredClone(message);
      queueMicrotask(() => void host.handle(data));
    },
    addEventListener(type: 'message' | 'error', listener: ((e: MessageEvent<WorkerEvent>) => void) | ((e: WorkerErrorEvent) => void)) {
      if (type === 'message') messageListeners.push(listener as (e: MessageEvent<WorkerEvent>) => void);
      else errorListeners.push(listener as (e: WorkerErrorEvent) => void);
    },
    terminate: () => {
      terminated = true;
      host.dispose();
    },
    crash(message) {
      if (terminated) return;
      errorListeners.forEach((l) => l({ message, preventDefault() {} }));
    },
    hang() {
      hung = true;
    },
    hung: () => hung,
  };
  return port;
}
