/**
 * The lifecycle every browser test file shares: the demo stack and headless Chromium started
 * once for a describe block, one recorded page opened on the gateway, both closed after; a
 * stand-in skipped test when Chromium is absent; and the offline checks on what the page fetched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  HAS_CHROMIUM,
  NO_CHROMIUM,
  launchChromium,
  openPage,
  requestedHosts,
  startDemoStack,
  type DemoPresetKind,
  type DemoStack,
  type RecordedPage,
} from './support.ts';

/** What {@link useBrowserPage} hands a test; read its fields inside hooks and tests only. */
export interface BrowserSession {
  readonly stack: DemoStack;
  readonly tab: RecordedPage;
}

/** How {@link useBrowserPage} opens its page: when it is ready, and the gateway's preset (`'token'` unless given). */
export interface BrowserPageOptions {
  ready?: (page: Page) => Promise<void>;
  preset?: DemoPresetKind;
}

/**
 * Registers hooks that start the demo stack (with `preset`) and Chromium, open a recorded page at
 * `urlOf(stack)`, wait for `ready(page)` if given, and close everything after the block.
 */
export function useBrowserPage(urlOf: (stack: DemoStack) => string, { ready, preset }: BrowserPageOptions = {}): BrowserSession {
  let stack: DemoStack | undefined;
  let browser: Browser | undefined;
  let tab: RecordedPage | undefined;

  beforeAll(async () => {
    stack = await startDemoStack({}, preset);
    browser = await launchChromium();
    tab = await openPage(browser);
    await tab.page.goto(urlOf(stack));
    await ready?.(tab.page);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useBrowserPage: the page exists only inside hooks and tests');
    return value;
  };
  return {
    get stack() {
      return started(stack);
    },
    get tab() {
      return started(tab);
    },
  };
}

/**
 * `describe(name, tests)` when Debian's Chromium is installed; otherwise one skipped test whose
 * name says why, and a warning on the console.
 */
export function describeInChromium(name: string, tests: () => void): void {
  if (!HAS_CHROMIUM) {
    console.warn(`browser tests ${NO_CHROMIUM}`);
    describe(name, () => {
      it.skip(NO_CHROMIUM, () => {});
    });
    return;
  }
  describe(name, tests);
}

/**
 * The offline checks, run last in a block: every request the page made went to the gateway on
 * 127.0.0.1, among them `paths`, and nothing was logged as an error (no CSP violation, no failed asset).
 */
export function describeOffline(session: BrowserSession, paths: string[]): void {
  describe('offline', () => {
    it(`made every request to the gateway on 127.0.0.1, among them ${paths.join(', ')}`, () => {
      expect(requestedHosts(session.tab.requests)).toEqual(['127.0.0.1']);
      expect(session.tab.requests.map((u) => new URL(u).pathname)).toEqual(expect.arrayContaining(paths));
    });

    it('logged no console error (no CSP violation, no failed asset)', () => {
      expect(session.tab.errors).toEqual([]);
    });
  });
}
