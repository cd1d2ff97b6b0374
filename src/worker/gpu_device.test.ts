import { describe, expect, it } from 'vitest';
import { gpuDeviceOf, watchDevice } from './gpu_device.ts';

function fakeDevice() {
  let lose: (info: { reason?: unknown; message?: unknown }) => void = () => undefined;
  const lost = new Promise<{ reason?: unknown; message?: unknown }>((resolve) => (lose = resolve));
  return { device: { lost, destroy: () => lose({ reason: 'destroyed', message: 'Device was destroyed.' }) }, lose: (info: { reason?: unknown; message?: unknown }) => lose(info) };
}

describe('GPU device watch', () => {
  it('finds the device of a webgpu backend object, and nothing in others', () => {
    const { device } = fakeDevice();
    expect(gpuDeviceOf({ device })).toBe(device);
    expect(gpuDeviceOf({ device: {} })).toBeNull();
    expect(gpuDeviceOf({})).toBeNull();
    expect(gpuDeviceOf(null)).toBeNull();
  });

  it('reports a loss once, in one line', async () => {
    const { device } = fakeDevice();
    const messages: string[] = [];
    watchDevice(device, (m) => messages.push(m));
    watchDevice(device, (m) => messages.push(`twice: ${m}`)); // each device is watched once
    device.destroy();
    await new Promise((r) => setTimeout(r, 0));
    expect(messages).toEqual(['the WebGPU device was lost (destroyed: Device was destroyed)']);
  });

  it('says "unknown" when the browser gives no reason', async () => {
    const { device, lose } = fakeDevice();
    const messages: string[] = [];
    watchDevice(device, (m) => messages.push(m));
    lose({ reason: undefined, message: '' });
    await new Promise((r) => setTimeout(r, 0));
    expect(messages).toEqual(['the WebGPU device was lost (unknown)']);
  });
});
