import { Field, TextArea } from './field.tsx';

/**
 * The title and description an event or a session is written with. The limits are the protocol's
 * `scheduledFields` (title 1–200, description up to 20,000), which both bodies share.
 */
export function TitleAndDescription({
  existing,
  rows,
}: {
  existing: { title: string; description: string | null } | undefined;
  rows: number;
}) {
  return (
    <>
      <Field label="Title" name="title" required maxLength={200} defaultValue={existing?.title} />
      <TextArea
        label="Description"
        name="description"
        rows={rows}
        maxLength={20_000}
        defaultValue={existing?.description ?? ''}
      />
    </>
  );
}
