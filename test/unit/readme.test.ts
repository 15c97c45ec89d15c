// The README and docs/ stay true to the repository: the README's set-up commands come first, its
// code example is examples/train-linear.ts (which the type check compiles), and no relative link
// points to a missing file or heading.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const readme = read('README.md');
const documents = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Fenced code blocks in order: the info string and the text between the fences. */
function fencedBlocks(markdown: string): { lang: string; body: string; index: number }[] {
  return [...markdown.matchAll(/^```([^\n`]*)\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => ({
    lang: m[1]!.trim(),
    body: m[2]!,
    index: m.index!,
  }));
}

/** The text outside fenced blocks and inline code spans, where links and headings live. */
function prose(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```[ \t]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, text] of prose(markdown).matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
    const base = text!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    out.add(count === 0 ? base : `${base}-${count}`);
  }
  return out;
}

/** Markdown link and image targets that stay inside the repository. */
function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('README', () => {
  it('opens with exactly the two set-up commands, before any section', () => {
    const [first] = fencedBlocks(readme);
    expect(first?.lang).toBe('sh');
    expect(first!.index).toBeLessThan(readme.indexOf('\n## '));
    const commands = first!.body
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter(Boolean);
    expect(commands).toEqual(['npm ci && npm run dev', 'npm ci && npm test']);
  });

  it('shows examples/train-linear.ts verbatim as its only TypeScript example', () => {
    const examples = fencedBlocks(readme).filter((b) => b.lang === 'ts' || b.lang === 'typescript');
    expect(examples).toHaveLength(1);
    expect(examples[0]!.body).toBe(read('examples/train-linear.ts'));
  });

  it('stays a user document: no tracker numbers', () => {
    for (const path of [
      'README.md',
      'docs/methods.md',
      'docs/performance.md',
      'docs/reliability.md',
      'docs/contributing.md',
    ]) {
      expect(read(path), path).not.toMatch(/\bissues? \d+|\(#\d+\)/i);
    }
  });
});

describe('relative links in README.md and docs/*.md', () => {
  const cases = documents.flatMap((path) => relativeLinks(read(path)).map((target) => [path, target] as const));

  it('finds the links', () => {
    expect(cases.length).toBeGreaterThan(20);
  });

  it.each(cases)('%s → %s', (path, target) => {
    const [file, anchor] = target.split('#') as [string, string | undefined];
    const resolved = file === '' ? join(root, path) : join(dirname(join(root, path)), decodeURI(file));
    expect(existsSync(resolved), `${path} links to missing ${relative(root, resolved)}`).toBe(true);
    if (anchor && resolved.endsWith('.md')) {
      expect(
        anchors(readFileSync(resolved, 'utf8')).has(anchor),
        `${relative(root, resolved)} has no heading #${anchor}`,
      ).toBe(true);
    }
  });
});
