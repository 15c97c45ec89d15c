// `continuum reproduce` figures: plotly inside the system Chromium must write real PNGs at twice the
// requested size (scale 2) that actually show the traces, not a white rectangle.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { renderFigures, type FigureSpec } from '../../src/cli/reproduce/figures';

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width, height and RGB(A) pixels of an 8-bit, non-interlaced PNG (what Chromium's canvas writes). */
function decodePng(png: Buffer): { width: number; height: number; channels: number; pixels: Buffer } {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const [bitDepth, colourType, , , interlace] = png.subarray(24, 29);
  if (bitDepth !== 8 || interlace !== 0 || (colourType !== 2 && colourType !== 6)) {
    throw new Error(`unexpected PNG format: depth ${bitDepth}, colour type ${colourType}, interlace ${interlace}`);
  }
  const channels = colourType === 6 ? 4 : 3;
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  // Undo the per-row filters (PNG spec §9): each byte predicted from left (a), up (b), up-left (c).
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x];
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const predicted = [0, a, b, (a + b) >> 1, paeth][filter];
      if (predicted === undefined) throw new Error(`unknown PNG filter ${filter} in row ${y}`);
      pixels[y * stride + x] = (value + predicted) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

/** How many pixels have exactly this colour. */
function countColour({ pixels, channels }: ReturnType<typeof decodePng>, [r, g, b]: number[]): number {
  let count = 0;
  for (let i = 0; i < pixels.length; i += channels)
    if (pixels[i] === r && pixels[i + 1] === g && pixels[i + 2] === b) count++;
  return count;
}

const folder = mkdtempSync(join(tmpdir(), 'continuum-figures-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

// plotly's first two default trace colours, #1f77b4 and #ff7f0e.
const blue = [0x1f, 0x77, 0xb4];
const orange = [0xff, 0x7f, 0x0e];

describe('renderFigures', () => {
  it('writes a line chart and a bar chart as PNGs at twice their size, showing their traces', async () => {
    const steps = Array.from({ length: 20 }, (_, i) => i * 10);
    const figures: FigureSpec[] = [
      {
        file: join(folder, 'nested/dir/loss.png'),
        data: [
          { type: 'scatter', mode: 'lines', name: 'softmax', x: steps, y: steps.map((s) => 5 * Math.exp(-s / 80)) },
          {
            type: 'scatter',
            mode: 'lines+markers',
            name: 'vMF',
            x: steps,
            y: steps.map((s) => 5 * Math.exp(-s / 120) + 0.3),
          },
        ],
        layout: { title: 'Training loss', xaxis: { title: 'step' }, yaxis: { title: { text: 'loss' } } },
      },
      {
        file: join(folder, 'speed.png'),
        data: [{ type: 'bar', x: ['softmax', 'vMF', 'cosine'], y: [1200, 950, 1100] }],
        layout: { title: { text: 'Tokens per second' } },
        width: 400,
        height: 300,
      },
    ];
    const written = await renderFigures(figures);
    expect(written).toEqual(figures.map((f) => f.file));

    const sizes = [
      [720, 420],
      [400, 300],
    ];
    const expectedColours = [[blue, orange], [blue]];
    figures.forEach((figure, i) => {
      const png = readFileSync(figure.file);
      expect(png.subarray(0, 8).equals(pngSignature), `${figure.file} has the PNG signature`).toBe(true);
      const image = decodePng(png);
      expect([image.width, image.height]).toEqual(sizes[i].map((n) => 2 * n));
      // White background (a corner), and each trace's own colour painted over a real area.
      expect([...image.pixels.subarray(0, 3)]).toEqual([255, 255, 255]);
      for (const colour of expectedColours[i])
        expect(countColour(image, colour), `${figure.file}: pixels of ${colour}`).toBeGreaterThan(200);
    });
  });

  it('rejects an invalid spec with a message naming its file', async () => {
    const file = join(folder, 'broken.png');
    await expect(renderFigures([{ file, data: { x: [1] } as unknown as object[], layout: {} }])).rejects.toThrow(file);
  });
});
