/**
 * The GPUDevice under tfjs's webgpu backend, watched for loss (a driver reset, a GPU process crash, the tab
 * losing the adapter). Structural types only: the worker needs `lost` and, for the debug fault, `destroy()`.
 */

/** The part of a GPUDevice the worker uses. */
export interface LosableDevice {
  readonly lost: Promise<{ reason?: unknown; message?: unknown }>;
  destroy(): void;
}

function isLosableDevice(d: unknown): d is LosableDevice {
  return typeof d === 'object' && d !== null && 'lost' in d && d.lost instanceof Promise && 'destroy' in d && typeof d.destroy === 'function';
}

/** The device of a tfjs backend object (WebGPUBackend.device), or null for any other backend. */
export function gpuDeviceOf(backend: unknown): LosableDevice | null {
  if (typeof backend !== 'object' || backend === null || !('device' in backend)) return null;
  return isLosableDevice(backend.device) ? backend.device : null;
}

const watched = new WeakSet<LosableDevice>();

/** Calls `onLost` once, with a one-line reason, when the device is lost (each device is watched once). */
export function watchDevice(device: LosableDevice, onLost: (message: string) => void): void {
  if (watched.has(device)) return;
  watched.add(device);
  void device.lost.then((info) => {
    const reason = typeof info?.reason === 'string' && info.reason ? info.reason : 'unknown';
    const detail = typeof info?.message === 'string' ? info.message.trim().replace(/\.$/, '') : '';
    onLost(`the WebGPU device was lost (${reason}${detail ? `: ${detail}` : ''})`);
  });
}
