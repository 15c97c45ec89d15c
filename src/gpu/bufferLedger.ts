import { Usage } from './flags';

/** What a buffer is for, read from its usage flags. */
export type BufferRole = 'storage' | 'uniform' | 'staging' | 'query';

const roles: readonly BufferRole[] = ['storage', 'uniform', 'staging', 'query'];

function roleOf(usage: number): BufferRole {
  if (usage & Usage.MAP_READ) return 'staging';
  if (usage & Usage.UNIFORM) return 'uniform';
  if (usage & Usage.QUERY_RESOLVE) return 'query';
  return 'storage';
}

export interface BufferCount {
  buffers: number;
  bytes: number;
}

export interface LedgerSnapshot extends BufferCount {
  /** Buffers created and destroyed since the engine started: churn, which a steady step keeps at 0 apart from timing reads. */
  created: number;
  destroyed: number;
  byRole: Record<BufferRole, BufferCount>;
}

/**
 * Every GPU buffer the engine creates goes through here, so one snapshot counts them all — the
 * pool's storage, the uniform chunks, readback staging and timestamp buffers — and a leak in any
 * of them shows as a count that keeps rising over a run.
 */
export class BufferLedger {
  private live = new Map<GPUBuffer, { role: BufferRole; bytes: number }>();
  private counts = Object.fromEntries(roles.map((role) => [role, { buffers: 0, bytes: 0 }])) as Record<
    BufferRole,
    BufferCount
  >;
  private created = 0;
  private destroyed = 0;

  constructor(readonly device: GPUDevice) {}

  createBuffer(descriptor: GPUBufferDescriptor): GPUBuffer {
    const buffer = this.device.createBuffer(descriptor);
    const role = roleOf(descriptor.usage);
    this.live.set(buffer, { role, bytes: descriptor.size });
    this.counts[role].buffers++;
    this.counts[role].bytes += descriptor.size;
    this.created++;
    return buffer;
  }

  /** Destroys a buffer this ledger created; a second call for the same buffer does nothing. */
  destroy(buffer: GPUBuffer): void {
    const entry = this.live.get(buffer);
    if (entry === undefined) return;
    this.live.delete(buffer);
    this.counts[entry.role].buffers--;
    this.counts[entry.role].bytes -= entry.bytes;
    this.destroyed++;
    buffer.destroy();
  }

  snapshot(): LedgerSnapshot {
    const byRole = Object.fromEntries(roles.map((role) => [role, { ...this.counts[role] }])) as Record<
      BufferRole,
      BufferCount
    >;
    return {
      buffers: this.live.size,
      bytes: roles.reduce((sum, role) => sum + byRole[role].bytes, 0),
      created: this.created,
      destroyed: this.destroyed,
      byRole,
    };
  }
}
