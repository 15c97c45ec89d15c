// WebGPU's numeric flags, spelled out so modules can be imported where no `GPUBufferUsage`
// global exists yet (a plain Node script before Dawn is loaded).
export const Usage = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
  QUERY_RESOLVE: 0x0200,
} as const;

export const MapRead = 0x0001;
