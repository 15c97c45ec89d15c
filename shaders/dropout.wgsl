// Counter-based random numbers (Philox-4x32-10, Salmon et al. 2011) and dropout built on them.
// The counter (block, step, 0, 0) and key (seed, 0) fully determine the four 32-bit words of a block,
// so the backward regenerates the forward's mask instead of storing it. Element i uses word i % 4 of
// block i / 4. Dispatch: 1-D grid of 64-wide workgroups, one invocation per block of 4 elements,
// folded into (x, y) when above 65535 groups.
//
// dropout_main @0 uniform Dropout  @1 x: f32[n]  @2 y: f32[n]
//   y[i] = x[i] * scale when word(i) >= threshold, else 0. Dropout is linear in x for a fixed mask,
//   so the backward runs the same entry point on the output gradient.
// bits_main    @0 uniform Dropout (n, seed, step used)  @1 bits: u32[n]
//   the raw words, so a test can compare the generator with its CPU reference bit for bit.
// use: lib/grid

struct Dropout { n: u32, threshold: u32, scale: f32, seed: u32, step: u32 }

// Invocations per workgroup (src/tensor/ops/dropout.ts sizes the grid with it).
const WORKGROUP: u32 = 64u;

const PHILOX_M0: u32 = 0xD2511F53u;
const PHILOX_M1: u32 = 0xCD9E8D57u;
const PHILOX_W0: u32 = 0x9E3779B9u;
const PHILOX_W1: u32 = 0xBB67AE85u;

// High 32 bits of the 64-bit product a·b, from 16-bit limbs (WGSL has no widening multiply).
fn mul_hi(a: u32, b: u32) -> u32 {
  let a_lo = a & 0xFFFFu;
  let a_hi = a >> 16u;
  let b_lo = b & 0xFFFFu;
  let b_hi = b >> 16u;
  let lo_lo = a_lo * b_lo;
  let hi_lo = a_hi * b_lo;
  let lo_hi = a_lo * b_hi;
  let middle = (lo_lo >> 16u) + (hi_lo & 0xFFFFu) + (lo_hi & 0xFFFFu);
  return a_hi * b_hi + (hi_lo >> 16u) + (lo_hi >> 16u) + (middle >> 16u);
}

fn philox(counter: vec4<u32>, seed: vec2<u32>) -> vec4<u32> {
  var c = counter;
  var k = seed;
  for (var round = 0u; round < 10u; round++) {
    if (round > 0u) { k += vec2<u32>(PHILOX_W0, PHILOX_W1); }
    let hi0 = mul_hi(PHILOX_M0, c.x);
    let lo0 = PHILOX_M0 * c.x;
    let hi1 = mul_hi(PHILOX_M1, c.z);
    let lo1 = PHILOX_M1 * c.z;
    c = vec4<u32>(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
  }
  return c;
}

fn block_words(block: u32) -> vec4<u32> {
  return philox(vec4<u32>(block, params.step, 0u, 0u), vec2<u32>(params.seed, 0u));
}

// The block of (up to) 4 elements this invocation owns, [first, first + count), and its words;
// count = 0 past the end, where no words are generated.
struct Block { first: u32, count: u32, words: vec4<u32> }

fn block_of(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> Block {
  let block = invocation_index(wid, nwg, lid, WORKGROUP);
  let first = block * 4u;
  if (first >= params.n) { return Block(first, 0u, vec4<u32>()); }
  return Block(first, min(4u, params.n - first), block_words(block));
}

@group(0) @binding(0) var<uniform> params: Dropout;

@group(0) @binding(1) var<storage, read> dropout_x: array<f32>;
@group(0) @binding(2) var<storage, read_write> dropout_y: array<f32>;

@compute @workgroup_size(WORKGROUP)
fn dropout_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                @builtin(local_invocation_index) lid: u32) {
  let b = block_of(wid, nwg, lid);
  for (var k = 0u; k < b.count; k++) {
    let i = b.first + k;
    dropout_y[i] = select(0.0, dropout_x[i] * params.scale, b.words[k] >= params.threshold);
  }
}

@group(0) @binding(1) var<storage, read_write> random_bits: array<u32>;

@compute @workgroup_size(WORKGROUP)
fn bits_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) lid: u32) {
  let b = block_of(wid, nwg, lid);
  for (var k = 0u; k < b.count; k++) { random_bits[b.first + k] = b.words[k]; }
}
