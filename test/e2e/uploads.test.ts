// A researcher's own files in the system Chromium on SwiftShader: a malformed TSV shows the parser's
// message inline (as text, even when the file name looks like markup), then a valid TSV and a .vec
// become the dataset and the target embeddings of a four-step comparison that finishes.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { collectPageErrors, usePageSession } from '../helpers/browser';

const session = usePageSession();

/** Word k of a side: letters only, since the tokenizer splits digits from letters. */
const word = (side: string, k: number) => `${side}${String.fromCharCode(97 + (k % 26), 97 + Math.floor(k / 26))}`;
/** 60 pairs over 50 source and 50 target words: enough vocabulary for the in-app SVD, tiny to train. */
const tsv = Array.from({ length: 60 }, (_, i) => {
  const ids = [i, i + 7, i + 13].map((k) => k % 50);
  return `${ids.map((k) => word('s', k)).join(' ')}\t${ids.map((k) => word('t', k)).join(' ')}`;
}).join('\n');
/** 16-d vectors (with a word2vec header) for 30 of the target words. */
const vec = [
  '30 16',
  ...Array.from({ length: 30 }, (_, w) =>
    [word('t', w), ...Array.from({ length: 16 }, (_, j) => Math.sin(w * 16 + j + 1).toFixed(4))].join(' '),
  ),
].join('\n');

const file = (name: string, text: string) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });

async function setNumber(page: Page, label: string, value: string): Promise<void> {
  const field = page.getByLabel(label, { exact: true });
  await field.fill(value);
  await field.press('Enter');
}

describe('uploads', () => {
  it('shows a bad file’s parser message inline, then trains on an uploaded TSV and .vec', async () => {
    const page = await session.browser.context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(session.server.url);
    // Without a link the page opens on the recorded comparison, read-only; editing unlocks the settings.
    await page.getByRole('button', { name: 'Edit settings' }).click({ timeout: 90_000 });
    await page.getByRole('button', { name: 'Start training' }).waitFor({ timeout: 60_000 });
    const tsvInput = page.getByLabel('Parallel TSV (source<TAB>target per line)');

    const badName = '<img src=x onerror=alert(1)>.tsv';
    await tsvInput.setInputFiles(file(badName, 'hola mundo\thello world\nno tab here\n'));
    const alert = page.getByRole('alert').filter({ hasText: 'line 2' });
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.innerText()).toBe(`${badName}, line 2: has no tab; expected source<TAB>target`);
    expect(await page.locator('.upload-panel img').count()).toBe(0);

    await tsvInput.setInputFiles(file('pairs.tsv', tsv));
    await page
      .getByText('upload:pairs.tsv: 60 sentence pairs (57 for training, the last 3 for validation)')
      .waitFor({ timeout: 30_000 });
    await page.getByLabel('Word vectors (.vec, word2vec/fastText text format)').setInputFiles(file('tiny.vec', vec));
    await page.getByText('tiny.vec: 30 words, 16-dimensional', { exact: false }).waitFor({ timeout: 30_000 });

    await page.getByLabel('Dataset', { exact: true }).selectOption('upload:pairs.tsv');
    await page.getByLabel('Target embeddings', { exact: true }).selectOption('uploaded');
    expect(await page.getByLabel('Embedding dimension', { exact: true }).inputValue()).toBe('16');
    await setNumber(page, 'Steps', '4');
    await setNumber(page, 'Evaluate every (steps)', '0');
    expect(await page.locator('.settings .field-error').count()).toBe(0);

    await page.getByRole('button', { name: 'Start training' }).click();
    const status = page.getByTestId('training-status');
    await status.filter({ hasText: /Finished|Failed/ }).waitFor({ timeout: 240_000 });
    const panel = await page.getByRole('region', { name: 'Training', exact: true }).innerText();
    expect(await status.innerText(), panel).toContain('Finished');
    expect(errors).toEqual([]);
  }, 360_000);
});
