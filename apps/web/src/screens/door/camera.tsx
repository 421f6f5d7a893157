import jsqrModule from 'jsqr';
import { useEffect, useRef, useState } from 'react';

type DecodeQr = (
  data: Uint8ClampedArray,
  width: number,
  height: number,
  options?: { inversionAttempts?: 'dontInvert' },
) => { data: string } | null;
// jsqr is CommonJS with its function on `default`; bundlers hand over either the function or the
// exports object, depending on interop.
const jsQR = ((jsqrModule as unknown as { default?: DecodeQr }).default ?? jsqrModule) as unknown as DecodeQr;

interface Detector {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}

/**
 * The camera as a scanner: the browser's BarcodeDetector where there is one (Android, ChromeOS,
 * macOS), else jsQR on frames drawn to a canvas (this component is its own lazy chunk). A code seen again
 * within two seconds is the same person still holding up their phone, not a second scan.
 */
export function CameraScanner({ onCode }: { onCode(code: string): void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  // The latest handler, read by the running loop without restarting the camera on each render.
  const handler = useRef(onCode);
  handler.current = onCode;
  useEffect(() => {
    let stream: MediaStream | null = null;
    let stopped = false;
    let last = { code: '', at: 0 };
    const canvas = document.createElement('canvas');
    const seen = (code: string) => {
      const now = Date.now();
      if (code === last.code && now - last.at < 2000) return;
      last = { code, at: now };
      handler.current(code);
    };
    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
        if (stopped || !video.current) return;
        video.current.srcObject = stream;
        await video.current.play();
        const native = (globalThis as { BarcodeDetector?: new (o: object) => Detector }).BarcodeDetector;
        const detector = native ? new native({ formats: ['qr_code'] }) : null;
        const tick = async () => {
          if (stopped || !video.current) return;
          const v = video.current;
          if (v.readyState >= 2) {
            if (detector) {
              const codes = await detector.detect(v).catch(() => []);
              if (codes[0]) seen(codes[0].rawValue);
            } else {
              canvas.width = v.videoWidth;
              canvas.height = v.videoHeight;
              const context = canvas.getContext('2d', { willReadFrequently: true });
              if (context) {
                context.drawImage(v, 0, 0);
                const frame = context.getImageData(0, 0, canvas.width, canvas.height);
                const found = jsQR(frame.data, frame.width, frame.height, {
                  inversionAttempts: 'dontInvert',
                });
                if (found?.data) seen(found.data);
              }
            }
          }
          setTimeout(() => void tick(), 150);
        };
        void tick();
      } catch (e) {
        setError(`The camera could not start (${(e as Error).message}). Use a scanner or type the code.`);
      }
    })();
    return () => {
      stopped = true;
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
  }, []);
  return (
    <div className="camera">
      {/* biome-ignore lint/a11y/useMediaCaption: a live camera view has no speech to caption */}
      <video ref={video} playsInline muted aria-label="Camera view for scanning tickets" />
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
