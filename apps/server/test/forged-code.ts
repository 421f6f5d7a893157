/**
 * A ticket code with one character of its signature changed, for "a forged code is refused" tests.
 * The change is in the middle of the signature, where every bit of a base64url character counts:
 * rewriting the last characters (as these tests once did) sometimes only touched the final
 * character's padding bits, and about one run in a thousand "forged" a valid code.
 */
export function forgedCode(qr: string): string {
  const at = qr.length - 20;
  return `${qr.slice(0, at)}${qr[at] === 'A' ? 'B' : 'A'}${qr.slice(at + 1)}`;
}
