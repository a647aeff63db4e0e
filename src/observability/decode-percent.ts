/** Percent-decoding that never throws: text with a malformed escape is answered as it is. */
export function decodePercent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
