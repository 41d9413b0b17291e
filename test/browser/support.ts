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
import { expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { DEFAULT_CONFIG, type GatewayConfig } from '../../src/config.ts';
import { DEMO, startEmulator, type RunningEmulator } from '../../src/emulator/index.ts';
import { startGateway, type RunningGateway } from '../../src/server/gateway.ts';
import type { DemoUser } from '../../src/web/preset.ts';
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

/** Emulator + gateway, with the demo users alice and bob. */
export interface DemoStack {
  emu: RunningEmulator;
  gw: RunningGateway;
  /** alice's demo token (creator of the demo keys). */
  token: string;
  alice: DemoUser;
  bob: DemoUser;
  close(): Promise<void>;
}

/**
 * What the gateway's pages open with: alice's token and the 100-grant key (`'token'`), those and
 * both demo users to switch between (`'users'`, as `npm start` runs it: src/dev/main.ts), or
 * nothing (`'none'`, as on a real KMS).
 */
export type DemoPresetKind = 'token' | 'users' | 'none';

/**
 * Starts the emulator and a gateway on it with the demo preset, after bundling the demo page's
 * script (so the tests always run the current client/demo/ code).
 */
export async function startDemoStack(overrides: Partial<GatewayConfig> = {}, preset: DemoPresetKind = 'token'): Promise<DemoStack> {
  await buildWeb();
  const emu = await startEmulator({ port: 0 });
  const [alice, bob] = [emu.demo['alice'], emu.demo['bob']].map(
    (user) => user && { name: user.name, token: user.token, userId: user.userId },
  );
  if (alice === undefined || bob === undefined) throw new Error('the demo seed has no users alice and bob');
  const config = { ...DEFAULT_CONFIG, port: 0, logLevel: 'silent', kmsEndpoint: emu.url, kmsProjectId: emu.projectId, ...overrides };
  const users = preset === 'users' ? { users: [alice, bob] } : {};
  const gw = await startGateway(config, preset === 'none' ? {} : { preset: { token: alice.token, keyId: FULL_KEY, ...users } });
  return {
    emu,
    gw,
    token: alice.token,
    alice,
    bob,
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

/** The `data-*` ids of a table body's rows, in order. */
export function rowIds(body: Locator, attribute: 'data-grant-id' | 'data-key-id'): Promise<string[]> {
  return body.locator('tr').evaluateAll((rows, name) => rows.map((row) => row.getAttribute(name) ?? ''), attribute);
}

/** Clicks `more` until it hides, waiting each time for `body` to grow; returns the clicks made (failing past `most`). */
export async function pageToEnd(body: Locator, more: Locator, most: number): Promise<number> {
  let clicks = 0;
  while (await more.isVisible()) {
    const before = await body.locator('tr').count();
    await more.click();
    await expect.poll(() => body.locator('tr').count()).toBeGreaterThan(before);
    clicks += 1;
    expect(clicks).toBeLessThanOrEqual(most);
  }
  return clicks;
}

/** Saves a PNG under test-results/screenshots/ and returns its path. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}
