// No module in src/ imports itself through others. In a cycle, whichever module the bundler
// evaluates first sees the others' exports still uninitialised, so the order of imports decides
// whether the app starts; and a cycle ties modules together that should be separable.
//
// Type-only imports (`import type`, `{ type A }`, `export type`) are left out: TypeScript erases
// them, so they cannot affect evaluation. Such cycles are harmless and some are inherent: a Tensor
// holds its Engine and every op takes one, while the engine makes Tensors and runs the backward pass
// (madge, which counts types, reports these four around src/tensor/engine.ts). An import that mixes
// types and values (`import { type A, b }`) counts. Dynamic imports count too, so that a cycle is
// broken by moving code, not hidden behind `await import(...)`.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const source = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const staticImport = /^[ \t]*(?:import|export)\s+(?:([^'";]*?)\s+from\s+)?['"]([^'"]+)['"]/gm;
const dynamicImport = /(?<!typeof\s+)\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** `type { A }`, or `{ type A, type B }`: TypeScript erases the whole statement. */
const typesOnly = (clause: string) =>
  /^type\s/.test(clause) ||
  /^\{\s*type\s+[\w$]+(?:\s+as\s+[\w$]+)?(?:\s*,\s*type\s+[\w$]+(?:\s+as\s+[\w$]+)?)*\s*,?\s*\}$/.test(clause);

/** The specifiers a module loads at run time. */
function runtimeImports(text: string): string[] {
  const statics = [...text.matchAll(staticImport)]
    .filter(([, clause]) => clause === undefined || !typesOnly(clause))
    .map((m) => m[2]!);
  return [...statics, ...[...text.matchAll(dynamicImport)].map((m) => m[1]!)];
}

/** The file a relative specifier names (extension and `?raw`-style query optional); undefined for packages. */
function resolve(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = join(dirname(from), specifier.replace(/\?.*$/, ''));
  return [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')].find(
    (p) => /\.tsx?$/.test(p) && existsSync(p),
  );
}

/** Each cycle once, as the modules along it (Tarjan's strongly connected components, then a path through each). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)!.includes(node)) components.push(component);
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return components.map((component) => pathThrough(graph, new Set(component)));
}

/** A cycle through a strongly connected component, found by walking back to its first member. */
function pathThrough(graph: Map<string, string[]>, component: Set<string>): string[] {
  const [start] = component;
  const previous = new Map<string, string>();
  const queue = [start!];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of graph.get(node)!.filter((n) => component.has(n))) {
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start!];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [...component];
}

describe('imports in src/', () => {
  it('form no cycle', () => {
    const graph = new Map<string, string[]>();
    for (const file of sourceFiles(source)) {
      const targets = runtimeImports(readFileSync(file, 'utf8')).flatMap((s) => resolve(file, s) ?? []);
      graph.set(file, [...new Set(targets)]);
    }
    expect(graph.size).toBeGreaterThan(100);
    const found = cycles(graph).map((cycle) => cycle.map((file) => relative(source, file)).join(' → '));
    expect(found).toEqual([]);
  });

  it('are reported as the modules along each cycle', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', ['d']],
      ['e', ['a']],
    ]);
    expect(cycles(graph)).toEqual([
      ['d', 'd'],
      ['c', 'a', 'b', 'c'],
    ]);
  });

  it('are all found by the import pattern', () => {
    const text = [
      "import { a,\n  type B } from './one';",
      "import type { C } from './two';",
      "import { type D, type E as F } from './three';",
      "export * from './four';",
      "export type { G } from './five';",
      "import './six.css';",
      "const h = import('./seven');",
      "type I = typeof import('./eight');",
    ].join('\n');
    expect(runtimeImports(text)).toEqual(['./one', './four', './six.css', './seven']);
  });
});
