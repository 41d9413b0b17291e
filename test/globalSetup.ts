import { buildAll } from '../scripts/build.ts';

/**
 * Builds dist/ once before the suite: the start-up, shutdown and replica tests run the gateway
 * exactly as `npm start` does (the bundle), and the browser tests load the demo page's bundle.
 */
export async function setup(): Promise<void> {
  await buildAll();
}
