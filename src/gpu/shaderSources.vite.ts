// Browser build: Vite inlines every WGSL file as a string at build time.
const files = import.meta.glob('/shaders/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<
  string,
  string
>;

export function shaderSource(name: string): string {
  const text = files[`/shaders/${name}.wgsl`];
  if (text === undefined) throw new Error(`No shader named '${name}' in shaders/`);
  return text;
}
