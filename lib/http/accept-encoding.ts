// What a request's Accept-Encoding allows (RFC 9110 §12.5.3): which content codings the client takes,
// with their weights. The dashboard's answers use it to tell whether the answer may leave compressed.

/** One coding the client named, lower-cased, with its weight (0 = refused). `*` stands for any other. */
export interface AcceptedCoding {
  coding: string;
  q: number;
}

/**
 * The codings an Accept-Encoding header names, in its order. A weight that does not parse counts as
 * a refusal and one above 1 as 1, as Next.js's compression (negotiator) reads them.
 */
export function acceptedCodings(header: string): AcceptedCoding[] {
  const codings: AcceptedCoding[] = [];
  for (const entry of header.split(',')) {
    const [name = '', ...parameters] = entry.split(';').map((part) => part.trim());
    if (!name) continue;
    const weight = parameters.find((parameter) => /^q\s*=/i.test(parameter));
    const q = weight === undefined ? 1 : Number.parseFloat(weight.slice(weight.indexOf('=') + 1).trim());
    codings.push({ coding: name.toLowerCase(), q: Number.isNaN(q) || q < 0 ? 0 : Math.min(q, 1) });
  }
  return codings;
}

/**
 * Whether the response may leave in a content coding (gzip, br …) rather than as it is: the request
 * takes some coding other than identity, by name or by `*` (which stands for every coding it does not
 * name, and there is always one). Whoever compresses (Next.js's own gzip, Vercel's edge, a proxy)
 * picks which; this only says that one can be picked. No header: as it is (the client said nothing;
 * Next.js's compression and most servers then do not compress). An empty one: as it is (RFC 9110).
 */
export function acceptsContentCoding(header: string | null | undefined): boolean {
  if (header === null || header === undefined) return false;
  return acceptedCodings(header).some(({ coding, q }) => coding !== 'identity' && q > 0);
}
