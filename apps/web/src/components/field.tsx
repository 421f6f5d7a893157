import { type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes, useId } from 'react';

type Labelled = { label: string; hint?: ReactNode };
type InputProps = InputHTMLAttributes<HTMLInputElement> & Labelled;
type AreaProps = TextareaHTMLAttributes<HTMLTextAreaElement> & Labelled;

/** The label and the hint around one control; the hint is tied to it with aria-describedby. */
function LabelledControl({
  label,
  hint,
  control,
}: Labelled & { control: (id: string, describedBy?: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {control(id, hint ? `${id}-hint` : undefined)}
      {hint ? (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      ) : null}
    </div>
  );
}

/** A labelled input. */
export function Field({ label, hint, ...input }: InputProps) {
  return (
    <LabelledControl
      label={label}
      hint={hint}
      control={(id, describedBy) => <input id={id} aria-describedby={describedBy} {...input} />}
    />
  );
}

/** A labelled text area. */
export function TextArea({ label, hint, ...area }: AreaProps) {
  return (
    <LabelledControl
      label={label}
      hint={hint}
      control={(id, describedBy) => <textarea id={id} aria-describedby={describedBy} {...area} />}
    />
  );
}

/** An error under a form, announced when it appears. */
export function FormError({ error }: { error: string | null }) {
  return error ? (
    <p className="form-error" role="alert">
      {error}
    </p>
  ) : null;
}
