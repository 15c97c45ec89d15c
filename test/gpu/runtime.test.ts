import { describe, expect, it } from 'vitest';
import { acquireNodeGpu } from '../../src/gpu/nodeGpu';
import { GpuError } from '../../src/gpu';
import { Engine } from '../../src/tensor/engine';
import { add, scale, unary } from '../../src/tensor/ops/elementwise';
import { matmul } from '../../src/tensor/ops/matmul';
import { spanMs } from '../../src/gpu/submitSpans';
import { StepClock } from '../../src/train/run';
import { getEngine } from '../helpers/gpu';

describe('GPU runtime', () => {
  it('records a whole step into one submit', async () => {
    const engine = await getEngine();
    const x = engine.tensor([1, 2, 3, 4], [4]);
    const submitsBefore = engine.recorder.submits;
    const dispatchesBefore = engine.recorder.dispatches;
    const y = engine.step(() => engine.keep(add(unary('exp', x), scale(x, 2))));
    expect(engine.recorder.submits - submitsBefore).toBe(1);
    expect(engine.recorder.dispatches - dispatchesBefore).toBe(3);
    const values = await y.read();
    [1, 2, 3, 4].forEach((v, i) => expect(values[i]).toBeCloseTo(Math.exp(v) + 2 * v, 4));
  });

  // Structure, not speed: what the step clock relies on is one span per asked-for submit, spans
  // that follow the queue's order without overlapping, and none for a submit nobody asked about.
  // How long the work took is for the benchmarks to say (npm run bench).
  it('times a submit on the GPU when asked: one span each, in queue order, disjoint', async () => {
    const engine = await getEngine();
    expect(engine.gpu.hasTimestamps, 'Dawn on SwiftShader offers timestamp-query').toBe(true);
    const a = engine.fill([192, 192], 0.5, 'a');
    const products = (count: number) => {
      engine.recorder.timeNextSubmit();
      engine.step(() => engine.tidy(() => Array.from({ length: count }, () => void matmul(a, a))));
      return engine.recorder.lastSubmitSpan;
    };
    await products(1); // compiles
    // Both in flight, then awaited together: completion-based timing would charge the first with both.
    const submits = engine.recorder.submits;
    const first = products(16);
    const second = products(1);
    expect(engine.recorder.submits).toBe(submits + 2);
    expect(first).not.toBe(second);
    const [heavy, light] = await Promise.all([first!, second!]);
    for (const span of [heavy, light]) expect(span.endMs).toBeGreaterThan(span.startMs);
    expect(light.startMs).toBeGreaterThanOrEqual(heavy.endMs);
    // The step clock charges each its own span.
    const clock = new StepClock();
    const started = performance.now();
    expect(await clock.completion(engine, started, Promise.resolve(heavy).then(spanMs))).toBe(
      heavy.endMs - heavy.startMs,
    );
    // Unasked, a submit is not bracketed (its span would be read back for nothing).
    engine.step(() => engine.tidy(() => void matmul(a, a)));
    expect(engine.recorder.lastSubmitSpan).toBeUndefined();
    a.release();
  });

  it('reuses pooled buffers from the second identical step on', async () => {
    const engine = await getEngine();
    const x = engine.tensor(new Float32Array(1000).fill(0.5), [1000]);
    const step = () => engine.step(() => void add(unary('tanh', x), scale(x, 3)));
    step();
    step();
    const allocated = engine.pool.stats.allocatedBytes;
    step();
    step();
    expect(engine.pool.stats.allocatedBytes).toBe(allocated);
  });

  it('spreads kernel parameters over several uniform chunks in a long step', async () => {
    const engine = await getEngine();
    const x = engine.tensor([1.5, -2, 3], [3]);
    // 601 dispatches, more than two 256-slot chunks; an odd count of negations flips the sign.
    const y = engine.step(() => {
      let t = x;
      for (let i = 0; i < 601; i++) t = scale(t, -1);
      return t;
    });
    expect(Array.from(await y.read())).toEqual([-1.5, 2, -3]);
  });

  it('reads late without blocking the next step', async () => {
    const engine = await getEngine();
    const x = engine.tensor([1, 2], [2]);
    const first = engine.readLater(x);
    const y = engine.step(() => scale(x, 10));
    const second = engine.readLater(y);
    engine.flush();
    expect(Array.from(await first)).toEqual([1, 2]);
    expect(Array.from(await second)).toEqual([10, 20]);
  });

  it('refuses a tensor above the binding limit with a message naming it, before allocating', async () => {
    const engine = await getEngine();
    const limit = engine.gpu.adapter.limits.maxStorageBufferBindingSize!;
    const allocated = engine.pool.stats.allocatedBytes;
    let error: unknown;
    try {
      engine.empty([Math.ceil(limit / 4) + 1024], 'f32', 'huge logits');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GpuError);
    expect((error as GpuError).kind).toBe('limit');
    expect((error as GpuError).message).toMatch(
      /^Tensor 'huge logits f32\[\d+\]' needs [\d.]+ [KMG]iB, above this GPU's (maxStorageBufferBindingSize|maxBufferSize) of [\d.]+ [KMG]iB\. Lower train\.batchSentences/,
    );
    expect(engine.pool.stats.allocatedBytes).toBe(allocated);
  });

  it('times each kernel with timestamp queries when the adapter has them', async () => {
    const gpu = (await getEngine()).gpu;
    if (!gpu.hasTimestamps) return; // SwiftShader and Dawn here have it; a test on other adapters has nothing to time
    const timed = new Engine(gpu, { timing: true });
    const x = timed.tensor(new Float32Array(4096).fill(1), [4096]);
    timed.step(() => void unary('exp', unary('tanh', x)));
    const results = await timed.recorder.timer!.results();
    expect(results.map((r) => r.label).sort()).toEqual(['exp', 'tanh']);
    for (const r of results) {
      expect(r.count).toBe(1);
      expect(r.totalMs).toBeGreaterThanOrEqual(0);
    }
    timed.destroy();
  });

  it('reports a lost device as a typed error', async () => {
    const gpu = await acquireNodeGpu();
    gpu.destroy();
    const error = await gpu.lost;
    expect(error).toBeInstanceOf(GpuError);
    expect(error.kind).toBe('device-lost');
  });
});

describe('autograd tape', () => {
  it('forgets forward passes whose outputs a scope released (decoding outside a step)', async () => {
    const engine = await getEngine();
    const w = engine.parameter([1, 2, 3], [3], 'w');
    const x = engine.tensor([1, 1, 1], [3]);
    const before = engine.tape.length;
    const kept = engine.tidy(() => {
      void add(unary('exp', w), x); // released at the end of the scope
      return add(w, x);
    });
    expect(engine.tape.length - before).toBe(1); // only the op whose output survived
    engine.tidy(() => engine.backward(kept));
    expect(engine.tape.length).toBe(0);
    w.release();
  });
});
