/**
 * A ticket code with one character of its signature changed, for "a forged code is refused" tests.
 * The character is always replaced by a different one, in the middle of the signature where all
 * six bits count. Overwriting the last two characters with "AA" (as these tests once did) left the
 * code unchanged whenever its last ten signature bits were already zero: about one run in a
 * thousand scanned a valid code as the "forgery".
 */
export function forgedCode(qr: string): string {
  const at = qr.length - 20;
  return `${qr.slice(0, at)}${qr[at] === 'A' ? 'B' : 'A'}${qr.slice(at + 1)}`;
}
