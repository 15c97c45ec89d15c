import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  children: ReactNode;
}

interface State {
  error?: Error;
}

/** A rendering bug shows its message instead of unmounting the whole page into a blank screen. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = {};

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('Continuum page error', error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <main className="page">
        <h1>Continuum</h1>
        <section className="card card-error" role="alert" data-testid="page-error">
          <h2>Something went wrong on this page</h2>
          <p>{error.message}</p>
          {error.stack && (
            <details>
              <summary>Technical details</summary>
              <pre>{error.stack}</pre>
            </details>
          )}
          <p>
            <button type="button" onClick={() => location.reload()}>
              Reload the page
            </button>
          </p>
        </section>
      </main>
    );
  }
}
