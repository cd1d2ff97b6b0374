/**
 * Peer process for this project's engine (protocol.ts; the work is in ours_handler.ts). Run as
 *   node --import tsx bench/peers/ours.ts
 * One process per cell: each cell starts from a fresh tfjs (clean memory figures, a crash stays local).
 */
import { selectNodeBackend } from '../../src/cli/node_runtime.ts';
import { oursHandler } from './ours_handler.ts';
import { serve } from './serve.ts';

await serve(oursHandler(selectNodeBackend), { peer: 'ours' });
