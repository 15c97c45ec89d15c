/** What could not be used of the link the page opened (plain text, never markup), until dismissed. */
export function LinkWarnings({ warnings, onDismiss }: { warnings: string[]; onDismiss: () => void }) {
  if (warnings.length === 0) return null;
  return (
    <div className="card card-warning warnings" role="alert">
      <strong>Parts of this link could not be used:</strong>
      <ul>
        {warnings.map((w, i) => (
          <li key={i}>{w}</li>
        ))}
      </ul>
      <button type="button" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
