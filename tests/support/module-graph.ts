import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

/**
 * A built ES module and every file it imports statically, transitively (relative imports, as the
 * build writes them). The background is such a module service worker: each start of the worker
 * evaluates this whole graph; a dynamic import() is not followed (a service worker cannot make one).
 */
export function staticImportGraph(dir: string, entry: string): { file: string; source: Buffer }[] {
  const seen = new Map<string, Buffer>();
  const pending = [entry];
  while (pending.length) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    const source = readFileSync(join(dir, file));
    seen.set(file, source);
    for (const m of source.toString('utf8').matchAll(/(?:import|export)\s*(?:\{[^}]*\}|\*(?:\s+as\s+\w+)?|\w+)?\s*(?:from)?\s*"(\.{1,2}\/[^"]+)"/g)) {
      pending.push(posix.normalize(posix.join(posix.dirname(file), m[1]!)));
    }
  }
  return [...seen].map(([file, source]) => ({ file, source }));
}
