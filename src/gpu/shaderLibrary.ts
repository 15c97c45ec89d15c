// Resolves a shader's `// use: lib/NAME` lines against shaders/lib/, for both loaders of
// `#shader-sources` (Node reads the files, Vite inlines them), so the two build the same text.
//
// WGSL has no imports, so a library is appended: each used file once, after the shader, and before
// it the libraries it uses in turn. Appending keeps the shader's own line numbers in compiler errors;
// order does not matter to WGSL, whose module-scope declarations may come in any order.

/** Raw text of `shaders/NAME.wgsl` (NAME may be `lib/…`), or undefined when there is no such file. */
export type ReadShaderFile = (name: string) => string | undefined;

const useLine = /^\/\/ use: (.*?)\s*$/gm;
const libraryName = /^lib\/\w+$/;

function usedLibraries(shader: string, text: string): string[] {
  return [...text.matchAll(useLine)].map(([, name]) => {
    if (!libraryName.test(name!)) {
      throw new Error(`Shader '${shader}' has '// use: ${name}': only shaders/lib/NAME files can be used`);
    }
    return name!;
  });
}

/** The WGSL text of shader `name` with every library it uses, directly or through another, appended. */
function resolveShader(name: string, read: ReadShaderFile): string {
  const text = read(name);
  if (text === undefined) throw new Error(`No shader named '${name}' in shaders/`);
  const appended: string[] = [];
  const seen = new Set<string>();
  const append = (user: string, userText: string) => {
    for (const library of usedLibraries(user, userText)) {
      if (seen.has(library)) continue;
      seen.add(library);
      const libraryText = read(library);
      if (libraryText === undefined) {
        throw new Error(`Shader '${user}' uses '${library}', but there is no shaders/${library}.wgsl`);
      }
      append(library, libraryText);
      appended.push(`// ---- ${library}.wgsl ----\n${libraryText}`);
    }
  };
  append(name, text);
  return [text, ...appended].join('\n');
}

/** `shaderSource` for a loader: resolves each shader once, on first use, from `read`. */
export function shaderLoader(read: ReadShaderFile): (name: string) => string {
  const resolved = new Map<string, string>();
  return (name) => {
    let text = resolved.get(name);
    if (text === undefined) {
      text = resolveShader(name, read);
      resolved.set(name, text);
    }
    return text;
  };
}
