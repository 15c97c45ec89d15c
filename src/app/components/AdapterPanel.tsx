import type { AdapterSummary } from '../../gpu';
import { formatBytes } from '../format';

/** The limits that decide what fits: matrix sizes, bindings, workgroup shapes. */
const keyLimits: { name: string; bytes: boolean; why: string }[] = [
  { name: 'maxBufferSize', bytes: true, why: 'largest single tensor' },
  { name: 'maxStorageBufferBindingSize', bytes: true, why: 'largest tensor one kernel can bind' },
  { name: 'maxComputeInvocationsPerWorkgroup', bytes: false, why: 'threads per workgroup' },
  { name: 'maxComputeWorkgroupStorageSize', bytes: true, why: 'shared memory per workgroup' },
  { name: 'maxStorageBuffersPerShaderStage', bytes: false, why: 'tensors per kernel' },
  { name: 'maxComputeWorkgroupsPerDimension', bytes: false, why: 'dispatch size per axis' },
];

/** Optional features the engine uses when present. */
const keyFeatures: { name: string; use: string }[] = [
  { name: 'timestamp-query', use: 'per-kernel GPU timing' },
  { name: 'shader-f16', use: 'half-precision kernels' },
];

export function AdapterPanel({ adapter }: { adapter: AdapterSummary }) {
  const features = new Set(adapter.features);
  return (
    <section className="card" aria-labelledby="adapter-heading">
      <h2 id="adapter-heading">WebGPU adapter</h2>
      <div className="adapter-grid">
        <dl className="facts" data-testid="adapter-facts">
          <dt>Vendor</dt>
          <dd data-testid="adapter-vendor">{adapter.vendor}</dd>
          <dt>Architecture</dt>
          <dd data-testid="adapter-architecture">{adapter.architecture}</dd>
          <dt>Device</dt>
          <dd>{adapter.device || '—'}</dd>
          <dt>Description</dt>
          <dd>{adapter.description || '—'}</dd>
          <dt>Fallback adapter</dt>
          <dd>{adapter.isFallback ? 'yes: a software or reduced adapter; expect slow kernels' : 'no'}</dd>
          {keyFeatures.map(({ name, use }) => (
            <FeatureFact key={name} name={name} use={use} present={features.has(name)} />
          ))}
        </dl>
        <table className="limits">
          <caption>Key limits</caption>
          <thead>
            <tr>
              <th scope="col">Limit</th>
              <th scope="col" className="num">
                Value
              </th>
            </tr>
          </thead>
          <tbody>
            {keyLimits.map(({ name, bytes, why }) => {
              const value = adapter.limits[name];
              return (
                <tr key={name}>
                  <th scope="row">
                    <code>{name}</code>
                    <span className="hint">{why}</span>
                  </th>
                  <td className="num">
                    {value === undefined ? '—' : bytes ? formatBytes(value) : value.toLocaleString('en-US')}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <details>
        <summary>All {adapter.features.length} features</summary>
        <ul className="feature-list">
          {adapter.features.map((name) => (
            <li key={name}>
              <code>{name}</code>
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}

function FeatureFact({ name, use, present }: { name: string; use: string; present: boolean }) {
  return (
    <>
      <dt>
        <code>{name}</code>
      </dt>
      <dd>
        <span className={present ? 'badge badge-yes' : 'badge badge-no'}>
          {present ? 'available' : 'not available'}
        </span>{' '}
        <span className="hint-inline">{use}</span>
      </dd>
    </>
  );
}
