// Float64 references of the elementwise kernels (shaders/elementwise.wgsl).
const geluC = Math.sqrt(2 / Math.PI);

export function unary(name: string, x: number, alpha = 0): number {
  switch (name) {
    case 'exp':
      return Math.exp(x);
    case 'log':
      return Math.log(x);
    case 'tanh':
      return Math.tanh(x);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x));
    case 'relu':
      return Math.max(x, 0);
    case 'gelu':
      return 0.5 * x * (1 + Math.tanh(geluC * (x + 0.044715 * x ** 3)));
    case 'scale':
      return alpha * x;
    case 'neg':
      return -x;
    case 'square':
      return x * x;
    case 'sqrt':
      return Math.sqrt(x);
    default:
      throw new Error(`No reference for unary '${name}'`);
  }
}

export function binary(name: string, a: number, b: number): number {
  switch (name) {
    case 'add':
      return a + b;
    case 'sub':
      return a - b;
    case 'mul':
      return a * b;
    case 'div':
      return a / b;
    default:
      throw new Error(`No reference for binary '${name}'`);
  }
}
