/** Types of buildStamp.js, which is plain JavaScript so that `npm start` runs it without tsx. */

/** The build's source files under `root`, as sorted relative paths. */
export function sourceFiles(root: string): string[];
/** Records that a build of `root` that started at `startedAt` (epoch ms) has written all its outputs. */
export function writeStamp(root: string, startedAt: number): void;
/** Why dist/ under `root` must be rebuilt, or undefined when it is current. */
export function staleReason(root: string): string | undefined;
