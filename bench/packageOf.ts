/** Shared by the CPU (profile-summary.ts) and allocation (micro/alloc-summary.ts) summaries. */

/** Which package (or our own source folder, or V8/node) a script URL belongs to. */
export function packageOf(url: string, name: string): string {
  if (url === '') return name === '(garbage collector)' ? 'GC' : name.startsWith('(') ? name : 'native/V8 builtins';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? '?');
  }
  const src = /\/(src|bench)\/(.*)$/.exec(url);
  return src ? `ours: ${src[1]}/${src[2]?.split('/')[0]}` : url;
}
