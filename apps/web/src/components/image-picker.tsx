import type { ImageRef } from '@muster/protocol';
import { MusterApiError } from '@muster/sdk';
import { type ChangeEvent, useEffect, useId, useState } from 'react';
import { describeError } from '../lib/errors.ts';
import { FormError } from './field.tsx';
import { ResponsiveImage } from './responsive-image.tsx';

/** The server's limit (apps/server media pipeline), checked here first to save a futile upload. */
const MAX_BYTES = 8 * 1024 * 1024;
const ACCEPTED = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];

/** A sentence for a refused upload: "make it smaller" and "that is not a picture" need different fixes. */
function describeUploadError(error: unknown): string {
  if (error instanceof MusterApiError && error.status === 413)
    return 'That image is larger than 8 MB. Choose a smaller one.';
  if (error instanceof MusterApiError && error.status === 415)
    return 'That file could not be read as a JPEG, PNG, WebP or GIF image, or it is too many pixels.';
  return describeError(error);
}

/**
 * Pick, upload, preview and remove one image (an event cover, a profile photo). The chosen file is
 * shown at once from the device while it uploads; afterwards the server's renditions replace it.
 */
export function ImagePicker({
  label,
  image,
  sizes,
  upload,
  remove,
}: {
  label: string;
  image: ImageRef | null | undefined;
  sizes: string;
  upload: (file: File) => Promise<unknown>;
  remove: () => Promise<unknown>;
}) {
  const inputId = useId();
  const [preview, setPreview] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  useEffect(() => () => (preview ? URL.revokeObjectURL(preview) : undefined), [preview]);

  async function run(work: () => Promise<unknown>, done: string) {
    setBusy(true);
    setError(null);
    setStatus('');
    try {
      await work();
      setStatus(done);
    } catch (caught) {
      setError(describeUploadError(caught));
    } finally {
      setBusy(false);
      setPreview(null);
    }
  }

  function choose(event: ChangeEvent<HTMLInputElement>) {
    const input = event.currentTarget;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    if (file.size > MAX_BYTES) return setError('That image is larger than 8 MB. Choose a smaller one.');
    if (file.type && !ACCEPTED.includes(file.type)) return setError('Choose a JPEG, PNG, WebP or GIF image.');
    setPreview(URL.createObjectURL(file));
    void run(() => upload(file), `${label} uploaded.`);
  }

  return (
    <div className="field image-picker">
      <label htmlFor={inputId}>{label}</label>
      {preview ? (
        <img src={preview} alt={`${label} (uploading)`} className="image-preview" />
      ) : image ? (
        <ResponsiveImage
          image={image}
          alt={`Current ${label.toLowerCase()}`}
          sizes={sizes}
          className="image-preview"
        />
      ) : (
        <p className="muted">No {label.toLowerCase()} yet.</p>
      )}
      <input
        id={inputId}
        type="file"
        accept={ACCEPTED.join(',')}
        onChange={choose}
        disabled={busy}
        aria-describedby={`${inputId}-hint`}
      />
      <small id={`${inputId}-hint`} className="hint">
        JPEG, PNG, WebP or GIF, up to 8 MB. It is resized for phones and screens.
      </small>
      {image && !preview ? (
        <button
          type="button"
          className="button danger"
          disabled={busy}
          onClick={() => void run(remove, `${label} removed.`)}
        >
          Remove {label.toLowerCase()}
        </button>
      ) : null}
      <p role="status" className="hint">
        {busy ? 'Uploading…' : status}
      </p>
      <FormError error={error} />
    </div>
  );
}
