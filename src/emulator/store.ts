/**
 * Where the State lives: in memory, and, given a file, on disk. Changes are serialised (one at a
 * time, in arrival order) and each is on disk (temp file, fsync, rename, fsync of the directory)
 * before {@link Store.update} resolves, so an answered change survives a kill. Reads take the
 * committed snapshot and never wait.
 */
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { errors } from './errors.ts';
import type { Change } from './grant-ops.ts';
import { parseState } from './state-file.ts';
import type { State } from './state.ts';

let tempCounter = 0;

/** Writes `state` to `path` atomically and durably: readers see the old file or the new one, never a mix. */
export async function saveState(path: string, state: State): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${++tempCounter}.tmp`);
  try {
    // 0600: the file holds passwords, secret keys and the token secret.
    const file = await open(temp, 'w', 0o600);
    try {
      await file.writeFile(`${JSON.stringify(state, null, 1)}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  // The rename itself is durable only once the directory entry is flushed.
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** The State in `path`, or undefined when there is no such file. Throws on unreadable or invalid content. */
export async function loadState(path: string, fallbackSecret: string): Promise<State | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return parseState(JSON.parse(text), fallbackSecret);
  } catch (err) {
    throw new Error(`state file ${path}: ${(err as Error).message}`);
  }
}

/** The emulator's state holder; see the module comment for its guarantees. */
export class Store {
  #state: State;
  readonly #path: string | undefined;
  #tail: Promise<unknown> = Promise.resolve();
  #version = 0;

  private constructor(state: State, path: string | undefined) {
    this.#state = state;
    this.#path = path;
  }

  /**
   * Opens the store. With `path`: loads it if it exists, else takes `initial()` and writes it
   * there at once. Without: memory only.
   */
  static async open(path: string | undefined, initial: () => Promise<State>, fallbackSecret: string): Promise<Store> {
    if (path === undefined) return new Store(await initial(), undefined);
    const loaded = await loadState(path, fallbackSecret);
    if (loaded !== undefined) return new Store(loaded, path);
    const state = await initial();
    await saveState(path, state);
    return new Store(state, path);
  }

  /** The committed state. */
  get state(): State {
    return this.#state;
  }

  /** Goes up by one with every committed change: an answer computed at one version is stale at the next. */
  get version(): number {
    return this.#version;
  }

  /** Replaces the whole state (after every earlier update), on disk first when there is a file. */
  replace(state: State): Promise<void> {
    return this.update(() => ({ state, result: undefined }));
  }

  /**
   * Runs `change` on the latest committed state after every earlier update has finished, saves
   * its result, then commits it in memory and resolves with the result. A thrown error (a
   * refusal, or a failed save as 500 KMS.0102) leaves the committed state as it was.
   */
  update<T>(change: (state: State) => Change<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const next = change(this.#state);
      if (this.#path !== undefined) {
        try {
          await saveState(this.#path, next.state);
        } catch (err) {
          throw errors.io(`Saving ${this.#path} failed: ${(err as NodeJS.ErrnoException).code ?? 'error'}.`);
        }
      }
      this.#state = next.state;
      this.#version += 1;
      return next.result;
    };
    const result = this.#tail.then(run);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
