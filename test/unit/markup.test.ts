// Nothing from a link, an upload or an imported run file is ever parsed as HTML: React renders
// strings as text, and no source file hands a string to an HTML parser. This keeps it that way
// (test/e2e/security.test.ts checks the same on the running page).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const srcDir = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every DOM API that turns a string into markup. */
const htmlSinks =
  /dangerouslySetInnerHTML|\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser|srcdoc/;

describe('the source', () => {
  it('never hands a string to an HTML parser', () => {
    const sources = readdirSync(srcDir, { recursive: true, encoding: 'utf8' }).filter((file) => /\.tsx?$/.test(file));
    expect(sources.length).toBeGreaterThan(50);
    const offenders = sources.flatMap((file) =>
      readFileSync(join(srcDir, file), 'utf8')
        .split('\n')
        .flatMap((line, i) => (htmlSinks.test(line) ? [`src/${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });
});
