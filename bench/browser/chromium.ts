/**
 * Headless Chromium for the browser bench and the e2e tests: Debian's chromium package through playwright-core
 * (never a downloaded browser), WebGPU enabled (SwiftShader where there is no GPU), no background network.
 */
import { chromium, type Browser } from 'playwright-core';

/** The browser binary; DISTILL_BENCH_CHROMIUM overrides it. */
export const CHROMIUM = process.env.DISTILL_BENCH_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
