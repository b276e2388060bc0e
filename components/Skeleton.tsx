/** A placeholder of a fixed height that keeps the layout still while data or a chart loads. */
export function Skeleton({ height, className }: { height: number; className?: string }) {
  return <div className={`skeleton${className ? ` ${className}` : ''}`} style={{ height }} aria-hidden="true" />;
}
