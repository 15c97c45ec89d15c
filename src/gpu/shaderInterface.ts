// What a WGSL module asks of its callers, read from its declarations: the bindings each entry point
// uses and the layout of its uniform struct. Kernel calls name these; nothing is passed by position.
//
// A binding declaration may end with a tag comment:
//   `// optional: …`   the call may leave it out; the engine binds a placeholder whose values the
//                      kernel must ignore (a uniform flag or an override tells it so; a `select` that
//                      loads it anyway is safe, WebGPU bounding every access). On `read_write` storage
//                      it is an extra output the call may not want: the kernel writes it only when told.
//   `// any dtype: …`  the kernel moves raw words, so a tensor of any dtype may be bound.
import { shaderSource } from '#shader-sources';

export type ScalarType = 'f32' | 'i32' | 'u32';

export interface BindingDeclaration {
  group: number;
  binding: number;
  name: string;
  space: 'storage' | 'uniform';
  access: 'read' | 'read_write';
  /** The WGSL type as written, e.g. `array<vec4<f32>>` or `Params`. */
  type: string;
  /** The scalar under a storage array's element type; undefined for a uniform or an `any dtype` binding. */
  element: ScalarType | undefined;
  optional: boolean;
}

export interface UniformMember {
  name: string;
  scalar: ScalarType;
  /** 1 for a scalar, 2–4 for a vector. */
  lanes: number;
  offset: number;
}

export interface UniformLayout {
  struct: string;
  members: UniformMember[];
  /** The struct's size in bytes, rounded up to 16 as a uniform block is bound. */
  size: number;
}

export interface EntryInterface {
  /** `shader:entry`, for error messages. */
  kernel: string;
  /** The storage bindings the entry point statically uses, by binding index. */
  storage: BindingDeclaration[];
  /** The uniform binding it uses, if any, with its struct's layout. */
  uniform: { declaration: BindingDeclaration; layout: UniformLayout } | undefined;
}

const bindingPattern =
  /@group\((\d+)\)\s*@binding\((\d+)\)\s*var<(storage|uniform)(?:\s*,\s*(read|read_write))?>\s*(\w+)\s*:\s*([^;]+);[ \t]*(\/\/[^\n]*)?/g;

const stripComments = (source: string) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');

function parseBindings(source: string): BindingDeclaration[] {
  const declared = [...source.matchAll(bindingPattern)].filter(
    (m) => !source.slice(source.lastIndexOf('\n', m.index) + 1, m.index).includes('//'),
  );
  return declared.map((m) => {
    const [, group, binding, space, access, name, rawType, comment = ''] = m;
    const type = rawType!.replace(/\s+/g, '');
    const tag = /^\/\/\s*(optional|any dtype)\b/.exec(comment)?.[1];
    const declaration: BindingDeclaration = {
      group: Number(group),
      binding: Number(binding),
      name: name!,
      space: space as 'storage' | 'uniform',
      access: (access ?? 'read') as 'read' | 'read_write',
      type,
      element: space === 'storage' && tag !== 'any dtype' ? (/(f32|i32|u32)/.exec(type)?.[1] as ScalarType) : undefined,
      optional: tag === 'optional',
    };
    if (declaration.optional && space !== 'storage')
      throw new Error(`Binding '${declaration.name}' is tagged optional but is not storage`);
    return declaration;
  });
}

/** Top-level blocks `keyword name … { … }` by name, braces matched (comments already stripped). */
function blocks(code: string, keyword: 'fn' | 'struct'): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of code.matchAll(new RegExp(`\\b${keyword}\\s+(\\w+)`, 'g'))) {
    let at = code.indexOf('{', m.index);
    if (at < 0) continue;
    for (let depth = 0; at < code.length; at++) {
      if (code[at] === '{') depth++;
      else if (code[at] === '}' && --depth === 0) break;
    }
    found.set(m[1]!, code.slice(m.index, at + 1));
  }
  return found;
}

const vectorLanes: Record<string, number> = { vec2: 2, vec3: 3, vec4: 4 };

/** WGSL's alignment and size rules for the members a uniform block may hold here: scalars and vectors. */
function uniformLayout(structName: string, body: string, kernel: string): UniformLayout {
  const fields = body
    .slice(body.indexOf('{') + 1, body.lastIndexOf('}'))
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const members: UniformMember[] = [];
  let end = 0;
  for (const field of fields) {
    const m = /^(\w+)\s*:\s*(?:(vec[234])\s*<\s*(f32|i32|u32)\s*>|(f32|i32|u32))$/.exec(field);
    if (!m) throw new Error(`Kernel ${kernel}: uniform member '${field}' of ${structName} is not a scalar or vector`);
    const lanes = m[2] ? vectorLanes[m[2]]! : 1;
    const align = lanes === 1 ? 4 : lanes === 2 ? 8 : 16;
    const offset = Math.ceil(end / align) * align;
    members.push({ name: m[1]!, scalar: (m[3] ?? m[4]) as ScalarType, lanes, offset });
    end = offset + 4 * lanes;
  }
  // WGSL rounds the struct to its largest alignment (at most 16); a uniform block is bound in 16-byte units.
  return { struct: structName, members, size: Math.max(16, Math.ceil(end / 16) * 16) };
}

/**
 * The module-scope names a function refers to: its identifiers less member names (`next.m`), its
 * parameters and its local `let`/`var`/`const` names, which may shadow a binding (`fn update(param: …)`).
 */
function moduleNamesOf(fn: string): Set<string> {
  const signature = fn.slice(0, fn.indexOf('{'));
  const local = new Set([
    ...[...signature.slice(signature.indexOf('(')).matchAll(/(\w+)\s*:/g)].map((m) => m[1]!),
    ...[...fn.matchAll(/\b(?:let|const|var(?:<[^>]*>)?)\s+(\w+)/g)].map((m) => m[1]!),
  ]);
  return new Set([...fn.matchAll(/(?<![.\w])[A-Za-z_]\w*/g)].map((m) => m[0]).filter((name) => !local.has(name)));
}

/** Every module-scope name the entry point reaches, through the functions it calls. */
function reachableNames(functions: Map<string, string>, entry: string): Set<string> {
  const names = new Set<string>();
  const pending = [entry];
  for (let fn = pending.pop(); fn !== undefined; fn = pending.pop()) {
    for (const name of moduleNamesOf(functions.get(fn)!)) {
      if (names.has(name)) continue;
      names.add(name);
      if (functions.has(name)) pending.push(name);
    }
  }
  return names;
}

/** The interface of each entry point of one WGSL module (its resolved source), parsed on first use. */
export class ShaderInterface {
  private readonly declarations: BindingDeclaration[];
  private readonly functions: Map<string, string>;
  private readonly structs: Map<string, string>;
  private readonly entries = new Map<string, EntryInterface>();

  constructor(
    private readonly shader: string,
    source: string,
  ) {
    const code = stripComments(source);
    this.declarations = parseBindings(source);
    this.functions = blocks(code, 'fn');
    this.structs = blocks(code, 'struct');
  }

  entry(name: string): EntryInterface {
    let found = this.entries.get(name);
    if (found) return found;
    const kernel = `${this.shader}:${name}`;
    if (!this.functions.has(name)) throw new Error(`Kernel ${kernel}: the shader has no function '${name}'`);
    const used = reachableNames(this.functions, name);
    const declarations = this.declarations.filter((d) => used.has(d.name));
    for (const d of declarations) {
      if (d.group !== 0)
        throw new Error(`Kernel ${kernel}: binding '${d.name}' is in group ${d.group}; only group 0 is bound`);
      const twin = declarations.find((other) => other !== d && other.binding === d.binding);
      if (twin) throw new Error(`Kernel ${kernel}: '${d.name}' and '${twin.name}' both use @binding(${d.binding})`);
    }
    const uniforms = declarations.filter((d) => d.space === 'uniform');
    if (uniforms.length > 1) throw new Error(`Kernel ${kernel}: more than one uniform binding`);
    const uniform = uniforms[0];
    const struct = uniform && this.structs.get(uniform.type);
    if (uniform && !struct) throw new Error(`Kernel ${kernel}: uniform '${uniform.name}' is not of a struct type here`);
    found = {
      kernel,
      storage: declarations.filter((d) => d.space === 'storage').sort((a, b) => a.binding - b.binding),
      uniform: uniform && { declaration: uniform, layout: uniformLayout(uniform.type, struct!, kernel) },
    };
    this.entries.set(name, found);
    return found;
  }
}

const numberLiteral = /^(0[xX][0-9a-fA-F]+|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)[uif]?$/;

/**
 * The value of a top-level numeric `const NAME = …;` of a WGSL source: the one place a number shared
 * by the kernel and its TypeScript caller (a tile size, an op code) is written.
 */
export function wgslConstant(source: string, name: string): number {
  const declaration = new RegExp(`(?:^|\\n)\\s*const\\s+${name}\\s*(?::\\s*\\w+)?\\s*=\\s*([^;]+);`);
  const literal = numberLiteral.exec(declaration.exec(stripComments(source))?.[1]?.trim() ?? '');
  if (!literal) throw new Error(`The shader has no top-level 'const ${name}' holding a number`);
  return Number(literal[1]);
}

/** `wgslConstant` of `shaders/NAME.wgsl`, as the kernel is compiled. */
export const shaderConstant = (shader: string, name: string) => wgslConstant(shaderSource(shader), name);
