import { allChecks } from '../selftest';
import { AdapterPanel } from './components/AdapterPanel';
import { SelfTestPanel } from './components/SelfTestPanel';
import { WebGpuHelp } from './components/WebGpuHelp';
import { useAppStore } from './store';
import { Workspace } from './Workspace';

export function App() {
  const gpu = useAppStore((s) => s.gpu);
  const deviceLost = useAppStore((s) => s.deviceLost);
  const selfTest = useAppStore((s) => s.selfTest);
  const detectGpu = useAppStore((s) => s.detectGpu);
  const runSelfTest = useAppStore((s) => s.runSelfTest);

  return (
    <main className="page">
      <header className="masthead">
        <h1>Continuum</h1>
        <p className="tagline">
          Train small sequence models on your own GPU through hand-written WebGPU kernels, and compare softmax with
          continuous (von Mises-Fisher) output layers.
        </p>
      </header>
      {gpu.status === 'detecting' && (
        <p className="card" role="status">
          Looking for a WebGPU adapter…
        </p>
      )}
      {gpu.status === 'unavailable' && <WebGpuHelp missing={gpu.missing} message={gpu.message} onRetry={() => void detectGpu()} />}
      {gpu.status === 'ready' && (
        <>
          {deviceLost && (
            <p className="card card-warning" role="alert">
              {deviceLost}{' '}
              <button type="button" onClick={() => void detectGpu()}>
                Reconnect
              </button>
            </p>
          )}
          <Workspace />
          <details className="engine-details">
            <summary>This GPU: adapter and kernel self-test</summary>
            <AdapterPanel adapter={gpu.adapter} />
            <SelfTestPanel checks={allChecks} state={selfTest} blockedBy={deviceLost} onRun={() => void runSelfTest()} />
          </details>
        </>
      )}
    </main>
  );
}
