import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ErrorBoundary } from './components/ErrorBoundary';
import { openFromUrl } from './startup';
import { prepareTrainingWorker } from './training/client';
import { useAppStore } from './store';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// Started here rather than in an effect: StrictMode runs effects twice, which would open two devices.
void useAppStore.getState().detectGpu();
openFromUrl(window.location.search, window.location.hash);
// The first Start then finds its worker loaded (where WebGPU exists: elsewhere nothing trains).
if ('gpu' in navigator) prepareTrainingWorker();

createRoot(root).render(
  <StrictMode>
    <ErrorBoundary>
      <App />
    </ErrorBoundary>
  </StrictMode>,
);
