import { describe, expect, it } from 'vitest';
import { getEngine } from '../helpers/gpu';

// Kernel calls name their arguments as the WGSL declares them (src/gpu/shaderInterface.ts); a wrong
// name throws when the call is recorded, before any GPU command, naming the kernel and the name.
describe('kernel calls by name', () => {
  const call = (bindings: Record<string, unknown>, uniforms: Record<string, unknown>) => ({
    shader: 'reduce',
    entry: 'sum_rows_main',
    overrides: { WG: 16 },
    bindings,
    uniforms,
    workgroups: [2] as const, // one workgroup per row
  });

  it.each([
    [
      'an unknown binding',
      { sum_x: 'x', sum_out: 'out', sum_y: 'x' },
      {},
      "Kernel reduce:sum_rows_main has no binding 'sum_y'",
    ],
    ['a missing binding', { sum_x: 'x' }, {}, "Kernel reduce:sum_rows_main: binding 'sum_out' (array<f32>) is missing"],
    [
      'a mistyped binding',
      { sum_x: 'ids', sum_out: 'out' },
      {},
      "Kernel reduce:sum_rows_main: binding 'sum_x' is array<f32>, got a i32 tensor",
    ],
    [
      'an unknown uniform member',
      { sum_x: 'x', sum_out: 'out' },
      { rows: 2, width: 3, scale: 1, eps: 0 },
      "Kernel reduce:sum_rows_main has no uniform member in Rows 'eps'",
    ],
    [
      'a missing uniform member',
      { sum_x: 'x', sum_out: 'out' },
      { rows: 2, scale: 1 },
      "Kernel reduce:sum_rows_main: uniform member 'width' (u32) is missing",
    ],
    [
      'a mistyped uniform member',
      { sum_x: 'x', sum_out: 'out' },
      { rows: 2, width: 1.5, scale: 1 },
      "Kernel reduce:sum_rows_main: uniform member 'width' is u32, got 1.5",
    ],
  ])('throws at record time on %s', async (_case, names, uniforms, message) => {
    const engine = await getEngine();
    const tensors: Record<string, unknown> = {
      x: engine.tensor([1, 2, 3, 4, 5, 6], [2, 3]),
      ids: engine.tensor([1, 2, 3, 4, 5, 6], [2, 3], 'i32'),
      out: engine.empty([2]),
    };
    const bindings = Object.fromEntries(Object.entries(names).map(([name, t]) => [name, tensors[t]]));
    const complete = { rows: 2, width: 3, scale: 1, ...uniforms };
    const dispatches = engine.recorder.dispatches;
    expect(() => engine.run(call(bindings, Object.keys(uniforms).length ? uniforms : complete) as never)).toThrow(
      message,
    );
    expect(engine.recorder.dispatches).toBe(dispatches);
    for (const t of Object.values(tensors)) (t as { release(): void }).release();
  });

  it('runs the same call once every name is right', async () => {
    const engine = await getEngine();
    const x = engine.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const out = engine.empty([2]);
    engine.run(call({ sum_x: x, sum_out: out }, { rows: 2, width: 3, scale: 0.5 }) as never);
    expect([...(await out.read())]).toEqual([3, 7.5]);
  });
});
