/** Nothing to show; offers the widest range that has data, when there is one. */
export function EmptyState(props: { title?: string; detail?: string; onWidest?: () => void; widestLabel?: string }) {
  const {
    title = 'No data for this range.',
    detail = 'Nothing was sent and no LLM usage was recorded between these dates.',
    onWidest,
    widestLabel,
  } = props;
  return (
    <div className="empty" data-testid="empty-state" role="status">
      <p><strong>{title}</strong> {detail}</p>
      {onWidest ? <button type="button" onClick={onWidest}>Show {widestLabel ?? 'the widest range with data'}</button> : null}
    </div>
  );
}
