// The server's log: one JSON line per event, on stdout (info) or stderr (warn, error). Never secrets:
// callers pass header names, ids and counts, not values.
export function logEvent(level: 'info' | 'warn' | 'error', event: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, time: new Date().toISOString(), event, ...fields });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}
