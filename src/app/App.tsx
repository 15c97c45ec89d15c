import { allChecks } from '../selftest';
import { AdapterPanel } from './components/AdapterPanel';
import { SelfTestPanel } from './components/SelfTestPanel';
import { WebGpuHelp } from './components/WebGpuHelp';
import { BottleneckWorkspace } from './BottleneckWorkspace';
import { useSharedResultsStore } from './state/sharedResults';
import { useViewStore, type PageView } from './state/view';
import { useAppStore } from './store';
import { Workspace } from './Workspace';

const tabs: Array<{ view: PageView; title: string }> = [
  { view: 'sequence', title: 'Sequence models' },
  { view: 'bottleneck', title: 'Synthetic softmax bottleneck' },
];

/** The two experiments as tabs; both panels stay mounted so a running one keeps its state. */
function Experiments() {
  const { view, show } = useViewStore();
  return (
    <>
      <div className="tabs" role="tablist" aria-label="Experiment">
        {tabs.map((tab) => (
          <button
            key={tab.view}
            type="button"
            role="tab"
            id={`tab-${tab.view}`}
            aria-controls={`panel-${tab.view}`}
            aria-selected={view === tab.view}
            onClick={() => show(tab.view)}
          >
            {tab.title}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="panel-sequence" aria-labelledby="tab-sequence" hidden={view !== 'sequence'}>
        <Workspace active={view === 'sequence'} />
      </div>
      <div role="tabpanel" id="panel-bottleneck" aria-labelledby="tab-bottleneck" hidden={view !== 'bottleneck'}>
        <BottleneckWorkspace active={view === 'bottleneck'} />
      </div>
    </>
  );
}

export function App() {
  const gpu = useAppStore((s) => s.gpu);
  const deviceLost = useAppStore((s) => s.deviceLost);
  const selfTest = useAppStore((s) => s.selfTest);
  const detectGpu = useAppStore((s) => s.detectGpu);
  const runSelfTest = useAppStore((s) => s.runSelfTest);
  // Results the page did not train (the recorded comparison, a "Share results" link) need no GPU to show.
  const readOnly = useSharedResultsStore((s) => s.shown);

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
      {gpu.status === 'unavailable' && (
        <>
          <WebGpuHelp missing={gpu.missing} message={gpu.message} onRetry={() => void detectGpu()} />
          {/* Below the help, read-only: its banner says training needs WebGPU, and nothing offers to train. */}
          {readOnly && <Workspace active canTrain={false} />}
        </>
      )}
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
          <Experiments />
          <details className="engine-details">
            <summary>This GPU: adapter and kernel self-test</summary>
            <AdapterPanel adapter={gpu.adapter} />
            <SelfTestPanel
              checks={allChecks}
              state={selfTest}
              blockedBy={deviceLost}
              onRun={() => void runSelfTest()}
            />
          </details>
        </>
      )}
    </main>
  );
}
