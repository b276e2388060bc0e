// The viewer's locale for dates, chosen on the server from Accept-Language so the server render
// and the browser's hydration format dates the same way (a mismatch would re-render the page).
export const FALLBACK_LOCALE = 'en-US';

export function pickLocale(acceptLanguage: string | null | undefined): string {
  const tags = (acceptLanguage ?? '')
    .split(',')
    .map((part) => part.split(';')[0]?.trim() ?? '')
    .filter((tag) => tag !== '' && tag !== '*');
  for (const tag of tags) {
    try {
      const [supported] = Intl.DateTimeFormat.supportedLocalesOf(tag);
      if (supported) return supported;
    } catch {
      // A malformed tag: try the next one.
    }
  }
  return FALLBACK_LOCALE;
}
