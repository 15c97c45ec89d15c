interface Props {
  /** True when the browser has no WebGPU or no adapter; false when the device failed to start. */
  missing: boolean;
  message: string;
  onRetry(): void;
}

/** The help's element id: read-only results below it point here (SharedResultsBanner). */
export const webGpuHelpId = 'webgpu-help';

/**
 * Shown instead of the adapter panel: says what went wrong and how to get a working WebGPU. Results the
 * page did not train (the recorded comparison, a "Share results" link) still show below it, read-only.
 */
export function WebGpuHelp({ missing, message, onRetry }: Props) {
  return (
    <section
      id={webGpuHelpId}
      className="card card-warning"
      role="alert"
      aria-labelledby="webgpu-help-heading"
      data-testid="webgpu-help"
    >
      <h2 id="webgpu-help-heading">{missing ? 'This browser cannot run WebGPU here' : 'WebGPU failed to start'}</h2>
      <p>Continuum trains its models on your GPU through WebGPU, so it needs a browser with WebGPU enabled.</p>
      <p className="help-text">{message}</p>
      <p>After changing a browser flag, restart the browser, then try again.</p>
      <button type="button" onClick={onRetry}>
        Try again
      </button>
    </section>
  );
}
