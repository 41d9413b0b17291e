/**
 * The browser tests' stack: the KMS emulator (demo seed), a gateway in front of it with the demo
 * token and key preset (as `npm start` does), and headless Chromium from Debian's `chromium`
 * package driven by playwright-core (never a downloaded browser). Every request a page makes is
 * recorded; any that would leave loopback is aborted, and the tests assert there were none.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEFAULT_CONFIG, type GatewayConfig } from '../../src/config.ts';
import { DEMO, startEmulator, type RunningEmulator } from '../../src/emulator/index.ts';
import { startGateway, type RunningGateway } from '../../src/server/gateway.ts';
import { buildWeb } from '../../scripts/build-web.ts';

/** Debian's Chromium; the browser tests are skipped when it is absent. */
export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
/** Why the browser tests did not run, as the skipped test's name says. */
export const NO_CHROMIUM = `skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`;

/** Where screenshots go (git-ignored); docs/screenshots/ holds the copies the README shows. */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots', import.meta.url));

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The 100-grant demo key. */
export const FULL_KEY = DEMO.keys.full;

/** Emulator + gateway, with alice's demo token. */
export interface DemoStack {
  emu: RunningEmulator;
  gw: RunningGateway;
  /** alice's demo token (creator of the demo keys). */
  token: string;
  close(): Promise<void>;
}

/**
 * Starts the emulator and a gateway on it with the demo preset, after bundling the demo page's
 * script (so the tests always run the current client/demo/ code).
 */
export async function startDemoStack(overrides: Partial<GatewayConfig> = {}, preset = true): Promise<DemoStack> {
  await buildWeb();
  const emu = await startEmulator({ port: 0 });
  const alice = emu.demo['alice'];
  if (alice === undefined) throw new Error('the demo seed has no user alice');
  const config = { ...DEFAULT_CONFIG, port: 0, logLevel: 'silent', kmsEndpoint: emu.url, kmsProjectId: emu.projectId, ...overrides };
  const gw = await startGateway(config, preset ? { preset: { token: alice.token, keyId: FULL_KEY } } : {});
  return {
    emu,
    gw,
    token: alice.token,
    close: async () => {
      await gw.close();
      await emu.close();
    },
  };
}

/** Launches headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** A page whose every request URL, console error and page error is recorded. */
export interface RecordedPage {
  context: BrowserContext;
  page: Page;
  /** Every URL requested by the page (and its workers), in order, including aborted ones. */
  requests: string[];
  /** console.error messages and uncaught exceptions (a CSP violation shows up here). */
  errors: string[];
}

/** A fresh context (empty storage) and page; requests to anything but 127.0.0.1 are recorded and aborted. */
export async function openPage(browser: Browser): Promise<RecordedPage> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const requests: string[] = [];
  const errors: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    return url.hostname === '127.0.0.1' ? route.continue() : route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
  return { context, page, requests, errors };
}

/** The hosts of the recorded network requests (data: and blob: URLs never reach a network). */
export function requestedHosts(requests: string[]): string[] {
  return [...new Set(requests.filter((u) => /^(https?|wss?):/.test(u)).map((u) => new URL(u).hostname))];
}

/** Saves a PNG under test-results/screenshots/ and returns its path. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}
