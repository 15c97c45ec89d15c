// docs/results.md from the suite's records: for each part its question, setup, table, figures and
// the reading written by hand in `<out>/readings/<part>.md` (results need a person to read them;
// the document is regenerated, the readings are kept). Parts still running show what is recorded
// so far and say how much is missing.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { brierLm } from '../../math/brier';
import { parseRunFile, toJson, type RunRecord } from '../../train/record';
import { recordedComparison } from '../../train/shareable';
import { fixed } from '../../train/summary';
import type { BottleneckRow } from '../../train/bottleneck';
import type { TrainingBenchRow } from '../bench/training';
import { renderFigures, type FigureSpec } from './figures';
import { recordFile, type SuiteStamp } from './runner';
import { describeSetup, meanStd, reportedEval, type Summary } from './statistics';
import { homeOf, runIds, syntheticSeeds, type Part, type PlannedRun, type Scale } from './suite';

interface Stamped {
  stamp: SuiteStamp;
}
type TrainingRecord = Stamped & { run: RunRecord; id: string };
type SpeedRecord = Stamped & { row: TrainingBenchRow };
type SyntheticRecord = Stamped & {
  rows: BottleneckRow[];
  entropy: number;
  logProbRank: number;
  config: { contexts: number; vocab: number; steps: number };
};

async function readJson(file: string): Promise<unknown> {
  return existsSync(file) ? JSON.parse(await readFile(file, 'utf8')) : undefined;
}

async function trainingRecords(out: string, part: Extract<Part, { kind: 'training' }>): Promise<TrainingRecord[]> {
  const found: TrainingRecord[] = [];
  for (const planned of part.runs) {
    const file = recordFile(out, homeOf(part, planned), planned.id);
    if (!existsSync(file)) continue;
    const text = await readFile(file, 'utf8');
    const parsed = parseRunFile(text);
    if (!parsed.ok) throw new Error(`${file}: ${parsed.error}`);
    found.push({ run: parsed.value.runs[0]!, stamp: parsed.value.stamp as SuiteStamp, id: planned.id });
  }
  return found;
}

const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join(
    '\n',
  );
const mib = (bytes: number | undefined) => fixed(bytes === undefined ? undefined : bytes / 2 ** 20, 1);
const minutesOf = (ms: number) => fixed(ms / 60_000, 1);
const cell = (s: Summary | undefined, digits: number, scale = 1) =>
  !s
    ? '–'
    : s.n > 1
      ? `${fixed(scale * s.mean, digits)} ± ${fixed(scale * s.std, digits)}`
      : fixed(scale * s.mean, digits);

function stampLines(records: Stamped[], name: (i: number) => string): string {
  if (records.length === 0) return '';
  const lines = records.map(
    (r, i) =>
      `${name(i)}: ${r.stamp.date.slice(0, 16).replace('T', ' ')} UTC, commit ${r.stamp.commit}, ${minutesOf(r.stamp.wallMs)} min`,
  );
  const adapters = [...new Set(records.map((r) => r.stamp.adapter))];
  return `<details><summary>Records (${adapters.join('; ')})</summary>\n\n${lines.map((l) => `- ${l}`).join('\n')}\n\n</details>`;
}

/** A line chart of one eval figure per head (seed 1), against step or wall time. */
function curveFigure(
  records: TrainingRecord[],
  y: (e: RunRecord['evals'][number]) => number | undefined,
  yTitle: string,
  x: 'step' | 'minutes',
  title: string,
): Omit<FigureSpec, 'file'> {
  const firstSeeds = records.filter((r) => r.id.endsWith('seed1'));
  return {
    width: 900,
    data: firstSeeds.map(({ run }) => ({
      type: 'scatter',
      mode: 'lines+markers',
      name: run.label,
      x: run.evals.map((e) => (x === 'step' ? e.step : e.wallMs / 60_000)),
      y: run.evals.map((e) => y(e) ?? null),
    })),
    layout: {
      title: { text: title },
      showlegend: true,
      xaxis: { title: { text: x === 'step' ? 'training step' : 'wall time (minutes)' } },
      yaxis: { title: { text: yTitle } },
    },
  };
}

interface Section {
  markdown: string;
  figures: FigureSpec[];
}

/** "Continuum 8ca22f1 · Adapter: google / swiftshader … · 2026-12-02 · 14.0 min recorded": each figure's footer. */
function stampText(records: readonly Stamped[]): string {
  const distinct = (values: string[]) => [...new Set(values)].join(', ');
  const minutes = records.reduce((sum, r) => sum + r.stamp.wallMs, 0) / 60_000;
  return `Continuum ${distinct(records.map((r) => r.stamp.commit))} · ${distinct(records.map((r) => r.stamp.adapter.replace(/^Adapter: /, '')))} · ${distinct(records.map((r) => r.stamp.date.slice(0, 10)))} · ${fixed(minutes, 1)} min recorded`;
}

/** The figure with its records' stamp written under it. */
function stamped(figure: FigureSpec, records: readonly Stamped[]): FigureSpec {
  const layout = figure.layout as { margin?: object; annotations?: object[] };
  const footer = {
    text: stampText(records),
    xref: 'paper',
    yref: 'paper',
    x: 0,
    y: 0,
    yshift: -78,
    xanchor: 'left',
    yanchor: 'top',
    showarrow: false,
    font: { size: 10, color: '#666' },
  };
  return {
    ...figure,
    layout: { ...layout, margin: { b: 100, ...layout.margin }, annotations: [...(layout.annotations ?? []), footer] },
  };
}

function trainingSection(
  part: Extract<Part, { kind: 'training' }>,
  records: TrainingRecord[],
  figureDir: string,
  docDir: string,
): Section {
  const translation = part.runs[0]!.config.task === 'translation';
  const heads = [...new Set(part.runs.map((r) => r.head))];
  const rows = heads.map((head) => {
    const runs = records.filter((r) => r.run.label === head).map((r) => r.run);
    const planned = part.runs.filter((r) => r.head === head).length;
    const evals = runs.map(reportedEval);
    const of = (f: (run: RunRecord, e: NonNullable<ReturnType<typeof reportedEval>>) => number | undefined) =>
      meanStd(
        runs
          .flatMap((run, i) => (evals[i] ? [f(run, evals[i]!)] : []))
          .filter((v): v is number => v !== undefined && Number.isFinite(v)),
      );
    const memory = runs[0]?.memory;
    const quality = translation
      ? [
          cell(
            of((_, e) => e.bleu),
            2,
          ),
          cell(
            of((_, e) => e.bleuUnkKept),
            2,
          ),
          cell(
            of((_, e) => e.bleuNoDuplicates),
            2,
          ),
          cell(
            of((_, e) => e.unknownShare),
            1,
            100,
          ),
        ]
      : [
          cell(
            of((_, e) => e.perplexity),
            1,
          ),
          ...[0, 1, 2, 3].map((n) =>
            cell(
              of((_, e) => e.brier?.[n]),
              3,
            ),
          ),
          cell(
            of((_, e) => e.brierLm),
            2,
          ),
        ];
    return [
      head,
      `${runs.length}/${planned}`,
      ...quality,
      cell(
        of((_, e) => e.accuracy1),
        1,
        100,
      ),
      cell(
        of((_, e) => e.accuracy5),
        1,
        100,
      ),
      cell(
        of((_, e) => e.validLoss),
        3,
      ),
      cell(
        of((_, e) => e.step),
        0,
      ),
      cell(
        of((run) => run.speed?.tokensPerSecond),
        0,
      ),
      cell(
        of((run) => run.speed?.msPerStep.total),
        0,
      ),
      memory ? memory.outputLayerParams.toLocaleString('en-US') : '–',
      mib(memory && memory.parameters + memory.optimizerState + memory.frozen + memory.activations),
      cell(
        of((run) => run.metrics.at(-1)?.wallMs),
        1,
        1 / 60_000,
      ),
    ];
  });
  const baselines = records[0]?.run.baselines;
  const baselineCells = translation
    ? [
        'copy the source',
        '–',
        fixed(baselines?.copyBleu, 2),
        fixed(baselines?.copyBleu, 2),
        fixed(baselines?.copyBleu, 2),
      ]
    : [
        'unigram (training counts)',
        '–',
        fixed(baselines?.unigram?.perplexity, 1),
        ...[0, 1, 2, 3].map((n) => fixed(baselines?.unigram?.brier?.[n], 3)),
        fixed(baselines?.unigram?.brier && brierLm(baselines.unigram.brier), 2),
        fixed(baselines?.unigram && 100 * baselines.unigram.accuracy1, 1),
        fixed(baselines?.unigram && 100 * baselines.unigram.accuracy5, 1),
      ];
  const head = [
    'head',
    'seeds',
    ...(translation
      ? ['BLEU', 'BLEU &lt;unk&gt; kept', 'BLEU dedup', '&lt;unk&gt; emitted %']
      : ['ppl', 'Brier-1', 'Brier-2', 'Brier-3', 'Brier-4', 'BrierLM']),
    'acc@1 %',
    'acc@5 %',
    'valid loss',
    'step reported',
    'tokens/s',
    'ms/step',
    'output-layer params',
    'memory MiB',
    'wall min',
  ];
  const figures: FigureSpec[] = [];
  const figure = (name: string, title: string, spec: Omit<FigureSpec, 'file'>) => {
    const file = join(figureDir, `${part.name}-${name}.png`);
    figures.push({ ...spec, file });
    return `![${title}](${relative(docDir, file)})`;
  };
  const quality = translation
    ? (e: RunRecord['evals'][number]) => e.bleu
    : (e: RunRecord['evals'][number]) => 100 * e.accuracy1;
  const qualityName = translation ? 'validation BLEU (<unk> replaced)' : 'validation acc@1 (%)';
  const images =
    records.length === 0
      ? []
      : [
          figure(
            'quality-step',
            `${qualityName} by step`,
            curveFigure(records, quality, qualityName, 'step', `${qualityName}, seed 1`),
          ),
          figure(
            'quality-time',
            `${qualityName} by wall time`,
            curveFigure(records, quality, qualityName, 'minutes', `${qualityName}, seed 1`),
          ),
          // Losses differ in kind between heads (NLLvMF's sits near −87): the third figure is one every head shares.
          translation
            ? figure(
                'accuracy-step',
                'validation acc@1 by step',
                curveFigure(
                  records,
                  (e) => 100 * e.accuracy1,
                  'validation acc@1 (%)',
                  'step',
                  'validation token accuracy @1, seed 1',
                ),
              )
            : figure(
                'perplexity-step',
                'validation perplexity by step',
                curveFigure(
                  records,
                  (e) => e.perplexity,
                  'validation perplexity',
                  'step',
                  'validation perplexity (normalised heads), seed 1',
                ),
              ),
        ];
  const missing = part.runs.length - records.length;
  const samples = translation ? samplesBlock(records) : '';
  const markdown = [
    `## ${part.title}`,
    `**Question.** ${part.question}`,
    `**Setup.** ${describeSetup(part.runs[0]!.config)} ${seedsSentence(part.runs)}`,
    missing > 0
      ? `**Status: ${records.length} of ${part.runs.length} runs recorded**; the rest are still to run (\`continuum reproduce --only ${part.name}\` continues).`
      : '',
    `Each row reports every run at the evaluation its stopping rule chose (its best: the step reported), as the mean ± standard deviation over the seeds recorded; wall time is the whole run's. Memory is parameters + optimizer state + frozen tables + the first step's activations.`,
    table(head, [...rows, [...baselineCells, ...Array<string>(head.length - baselineCells.length).fill('–')]]),
    ...images,
    samples,
    stampLines(records, (i) => records[i]!.id),
  ];
  return { markdown: markdown.filter(Boolean).join('\n\n'), figures: figures.map((f) => stamped(f, records)) };
}

/** "Seeds 1, 2, 3 for softmax and NLLvMF …, seed 1 for the rest." */
function seedsSentence(runs: readonly PlannedRun[]): string {
  const seeds = [...new Set(runs.map((r) => r.seed))];
  const repeated = [...new Set(runs.filter((r) => r.seed !== seeds[0]).map((r) => r.head))];
  const both = 'initialisation and batch order both follow the seed';
  return repeated.length === 0
    ? `Seed ${seeds[0]} for every head (${both}).`
    : `Seeds ${seeds.join(', ')} for ${repeated.join(' and ')}, seed ${seeds[0]} for the rest (${both}).`;
}

/** The first decoded validation sentences of seed 1 of the first two heads, side by side. */
function samplesBlock(records: TrainingRecord[]): string {
  const shown = records.filter((r) => r.id.endsWith('seed1')).slice(0, 2);
  const samples = shown.map((r) => r.run.evals.at(-1)?.samples ?? []);
  if (samples.every((s) => s.length === 0)) return '';
  const lines: string[] = ['Decoded validation sentences (the last evaluation, `<unk>` replaced from the source):', ''];
  for (let i = 0; i < Math.min(4, samples[0]?.length ?? 0); i++) {
    lines.push(`- source: ${samples[0]![i]!.source}`, `  - reference: ${samples[0]![i]!.reference}`);
    shown.forEach((r, h) => samples[h]?.[i] && lines.push(`  - ${r.run.label}: ${samples[h]![i]!.hypothesis}`));
  }
  return lines.join('\n');
}

function speedSection(
  part: Extract<Part, { kind: 'speed' }>,
  records: SpeedRecord[],
  figureDir: string,
  docDir: string,
): Section {
  const rows = records.map(({ row }) => [
    row.vocab.toLocaleString('en-US'),
    fixed(row.softmax.tokensPerSecond, 0),
    fixed(row.vmf.tokensPerSecond, 0),
    `${fixed(row.speedup, 2)}×`,
    row.softmax.headParams.toLocaleString('en-US'),
    row.vmf.headParams.toLocaleString('en-US'),
    fixed(row.softmax.dispatchesPerStep, 0),
    fixed(row.vmf.dispatchesPerStep, 0),
  ]);
  const file = join(figureDir, `${part.name}.png`);
  const x = records.map((r) => r.row.vocab);
  const figures: FigureSpec[] =
    records.length === 0
      ? []
      : [
          {
            file,
            data: [
              {
                type: 'scatter',
                mode: 'lines+markers',
                name: 'softmax',
                x,
                y: records.map((r) => r.row.softmax.tokensPerSecond),
              },
              {
                type: 'scatter',
                mode: 'lines+markers',
                name: 'NLLvMF',
                x,
                y: records.map((r) => r.row.vmf.tokensPerSecond),
              },
            ],
            layout: {
              title: { text: 'Training tokens/s against vocabulary size' },
              xaxis: { title: { text: 'vocabulary size V' }, type: 'log', tickvals: x },
              yaxis: { title: { text: 'target tokens per second' } },
            },
          },
        ];
  const markdown = [
    `## ${part.title}`,
    `**Question.** ${part.question}`,
    `**Setup.** \`npm run bench -- training\`'s measurement: a 1+1-layer transformer (d = 256, FFN 512) on random Zipf sentences of 20 target tokens, 32 per batch, one submit per step; softmax against NLLvMF (300-d table), interleaved on the same batches, ${part.timedSteps} timed steps per head after the warm-up. Only the output layer differs.`,
    records.length < part.vocabs.length ? `**Status: ${records.length} of ${part.vocabs.length} sizes measured.**` : '',
    rows.length
      ? table(
          [
            'V',
            'softmax tokens/s',
            'NLLvMF tokens/s',
            'NLLvMF ÷ softmax',
            'softmax head params',
            'NLLvMF head params',
            'softmax dispatches/step',
            'NLLvMF dispatches/step',
          ],
          rows,
        )
      : '',
    figures.length ? `![Training tokens/s against vocabulary size](${relative(docDir, file)})` : '',
    stampLines(records, (i) => `V = ${records[i]!.row.vocab}`),
  ];
  return { markdown: markdown.filter(Boolean).join('\n\n'), figures: figures.map((f) => stamped(f, records)) };
}

function syntheticSection(
  part: Extract<Part, { kind: 'synthetic' }>,
  records: SyntheticRecord[],
  figureDir: string,
  docDir: string,
): Section {
  const heads = [...new Set(records.flatMap((r) => r.rows.map((row) => row.head)))];
  const dims = [...new Set(records.flatMap((r) => r.rows.map((row) => row.d)))].sort((a, b) => a - b);
  const at = (head: string, d: number, f: (row: BottleneckRow) => number) =>
    meanStd(records.flatMap((r) => r.rows.filter((row) => row.head === head && row.d === d).map(f)));
  const rows = dims.map((d) => [
    String(d),
    ...heads.flatMap((head) => [
      cell(
        at(head, d, (r) => r.modeAccuracy),
        1,
        100,
      ),
      cell(
        at(head, d, (r) => r.kl),
        3,
      ),
    ]),
  ]);
  const figures: FigureSpec[] = [];
  const images: string[] = [];
  for (const [name, f, title] of [
    ['kl', (r: BottleneckRow) => r.kl, 'KL(p* ‖ q), nats'],
    ['mode', (r: BottleneckRow) => 100 * r.modeAccuracy, 'mode accuracy (%)'],
  ] as const) {
    if (records.length === 0) break;
    const file = join(figureDir, `${part.name}-${name}.png`);
    figures.push({
      file,
      data: heads.map((head) => ({
        type: 'scatter',
        mode: 'lines+markers',
        name: head,
        x: dims,
        y: dims.map((d) => at(head, d, f)?.mean ?? null),
        error_y: { type: 'data', array: dims.map((d) => at(head, d, f)?.std ?? 0), visible: true },
      })),
      layout: {
        title: { text: `Synthetic bottleneck: ${title} against d` },
        xaxis: { title: { text: 'hidden size d' }, type: 'log', tickvals: dims },
        yaxis: { title: { text: title } },
      },
    });
    images.push(`![Synthetic bottleneck: ${title}](${relative(docDir, file)})`);
  }
  const first = records[0];
  const markdown = [
    `## ${part.title}`,
    `**Question.** ${part.question}`,
    first
      ? `**Setup.** \`continuum bottleneck\`: N = ${first.config.contexts} contexts, V = ${first.config.vocab}, seeded Gaussian logits (H(p*) = ${fixed(first.entropy, 3)} nats, rank(log p*) = ${first.logProbRank}); each head learns a free vector per context for ${first.config.steps} steps. Mean ± std over seeds ${syntheticSeeds.join(', ')}.`
      : '',
    records.length < syntheticSeeds.length
      ? `**Status: ${records.length} of ${syntheticSeeds.length} seeds recorded.**`
      : '',
    rows.length ? table(['d', ...heads.flatMap((h) => [`${h} mode acc %`, `${h} KL`])], rows) : '',
    ...images,
    stampLines(records, (i) => `seed ${syntheticSeeds[i]}`),
  ];
  return { markdown: markdown.filter(Boolean).join('\n\n'), figures: figures.map((f) => stamped(f, records)) };
}

/** The page's recorded comparison: what it opens on without a link. */
export interface Shipped {
  file: string;
  part: string;
  /** The record ids it shows, in order (seed 1 of the main heads). */
  ids: string[];
  preset: string;
  title: string;
}

/** The shipped comparison from the part's records, once all of them exist; undefined until then. */
async function shipComparison(out: string, parts: Part[], shipped: Shipped): Promise<string | undefined> {
  const part = parts.find((p) => p.name === shipped.part);
  if (part?.kind !== 'training') return undefined;
  const records = (await trainingRecords(out, part)).filter((r) => shipped.ids.includes(r.id));
  if (records.length < shipped.ids.length) return undefined;
  records.sort((a, b) => shipped.ids.indexOf(a.id) - shipped.ids.indexOf(b.id));
  const latest = records.reduce((a, b) => (a.stamp.date > b.stamp.date ? a : b)).stamp;
  const wallMs = records.reduce((sum, r) => sum + r.stamp.wallMs, 0);
  const record = recordedComparison(
    records.map((r) => r.run),
    { ...latest, wallMs, title: shipped.title },
    shipped.preset,
  );
  await writeFile(shipped.file, `${toJson(record)}\n`);
  return shipped.file;
}

/**
 * Writes `<out>.md` and its figures under `<out>/figures/`, and the page's recorded comparison when
 * `shipped` names one and its runs are recorded; returns the files written.
 */
export async function writeReport({
  out,
  scale,
  parts,
  shipped,
}: {
  out: string;
  scale: Scale;
  parts: Part[];
  shipped?: Shipped;
}): Promise<string[]> {
  const document = `${out.replace(/\/$/, '')}.md`;
  const docDir = join(document, '..');
  const figureDir = join(out, 'figures');
  const sections: Section[] = [];
  let totalMs = 0;
  for (const part of parts) {
    let section: Section;
    if (part.kind === 'training') {
      const records = await trainingRecords(out, part);
      totalMs += records.reduce((sum, r) => sum + r.stamp.wallMs, 0);
      section = trainingSection(part, records, figureDir, docDir);
    } else {
      const ids = runIds(part);
      const records = (await Promise.all(ids.map((id) => readJson(recordFile(out, part.name, id))))).filter(
        Boolean,
      ) as Array<SpeedRecord & SyntheticRecord>;
      totalMs += records.reduce((sum, r) => sum + r.stamp.wallMs, 0);
      section =
        part.kind === 'speed'
          ? speedSection(part, records, figureDir, docDir)
          : syntheticSection(part, records, figureDir, docDir);
    }
    const reading = join(out, 'readings', `${part.name}.md`);
    const text = existsSync(reading) ? (await readFile(reading, 'utf8')).trim() : '*Reading: not yet written.*';
    sections.push({ markdown: `${section.markdown}\n\n${text}`, figures: section.figures });
  }
  const intro = join(out, 'readings', 'introduction.md');
  const header = [
    `# Results (${scale} scale)`,
    existsSync(intro) ? (await readFile(intro, 'utf8')).trim() : '',
    `Written by \`continuum reproduce --scale ${scale}\` from the records in \`${basename(out)}/records/\`; ${minutesOf(totalMs)} minutes of recorded work so far. Each section says when, on which commit and adapter its records were made.`,
  ];
  const figures = sections.flatMap((s) => s.figures);
  const written = figures.length ? await renderFigures(figures) : [];
  await writeFile(document, `${[...header.filter(Boolean), ...sections.map((s) => s.markdown)].join('\n\n')}\n`);
  const page = shipped ? await shipComparison(out, parts, shipped) : undefined;
  return [document, ...written, ...(page ? [page] : [])];
}
