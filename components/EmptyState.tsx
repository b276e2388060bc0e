/** No data in the chosen range; offers the widest range that has some. */
export function EmptyState({ onWidest, widestLabel }: { onWidest?: () => void; widestLabel?: string }) {
  return (
    <div className="empty" data-testid="empty-state">
      <p><strong>No data for this range.</strong> Nothing was sent and no LLM usage was recorded between these dates.</p>
      {onWidest ? <button type="button" onClick={onWidest}>Show {widestLabel ?? 'the widest range with data'}</button> : null}
    </div>
  );
}
