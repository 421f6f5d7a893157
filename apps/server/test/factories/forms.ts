import type { CreateFormBody, Form, FormField, SubmissionStatus } from '@muster/protocol';
import type { TestUser } from '../factories.ts';
import type { TestServer } from '../harness.ts';
import { call } from './events.ts';

/** A question of every kind, the usual shape of a lead form. */
export const leadFields: FormField[] = [
  { key: 'name', type: 'text', label: 'Your name', required: true },
  { key: 'email', type: 'email', label: 'E-mail', required: true },
  { key: 'phone', type: 'phone', label: 'Phone' },
  { key: 'about', type: 'longText', label: 'Tell us more' },
  { key: 'seats', type: 'number', label: 'Seats', min: 1, max: 50 },
  { key: 'size', type: 'singleChoice', label: 'Company size', options: ['1-10', '11-100', '100+'] },
  { key: 'topics', type: 'multipleChoice', label: 'Topics', options: ['sync', 'chat', 'forms'] },
  { key: 'newsletter', type: 'checkbox', label: 'Newsletter' },
  { key: 'rating', type: 'rating', label: 'How was the demo?' },
  { key: 'consent', type: 'consent', label: 'You may contact me', required: true },
];

export const leadAnswers = (i = 0) => ({
  name: `Attendee ${i}`,
  email: `attendee-${i}@example.test`,
  consent: true,
  rating: 1 + (i % 5),
  topics: ['sync', 'forms'],
});

/** A form created through the API by `owner` on an event or a community. */
export function buildForm(
  server: TestServer,
  owner: TestUser,
  input: Partial<CreateFormBody> & Pick<CreateFormBody, 'ownerType' | 'ownerId'>,
): Promise<Form> {
  return call<Form>(server, 'POST', '/api/v1/forms', owner, {
    purpose: 'lead',
    title: 'Talk to us',
    fields: leadFields,
    ...input,
  });
}

/** `POST /api/v1/forms/:id/submissions` as anyone; answers the raw response. */
export function submit(
  server: TestServer,
  formId: string,
  payload: object,
  options: { as?: TestUser | null; headers?: Record<string, string>; remoteAddress?: string } = {},
) {
  return server.app.inject({
    method: 'POST',
    url: `/api/v1/forms/${formId}/submissions`,
    headers: { ...(options.as?.headers ?? {}), ...(options.headers ?? {}) },
    payload,
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
  });
}

export async function statusOf(server: TestServer, submissionId: string): Promise<SubmissionStatus> {
  return call<SubmissionStatus>(server, 'GET', `/api/v1/submissions/${submissionId}`, null);
}

/** Polls `probe` every `intervalMs` until it returns a value (not undefined) or the time is up. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
