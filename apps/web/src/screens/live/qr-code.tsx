import { generate } from 'lean-qr';
import { toSvgDataURL } from 'lean-qr/extras/svg';
import { useMemo } from 'react';

/** A QR code of a URL (lean-qr, a few KB, loaded with the presenter view only). */
export function QrCode({ url, label }: { url: string; label: string }) {
  const src = useMemo(
    () => toSvgDataURL(generate(url), { on: 'black', off: 'white', padX: 2, padY: 2 }),
    [url],
  );
  return <img className="qr" src={src} alt={label} data-testid="qr" />;
}
