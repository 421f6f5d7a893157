/**
 * The workload of the `burst` benchmark, shared by every system it runs: a lead form with a
 * realistic field set, and N distinct submissions to it (each its own id and e-mail), built once
 * and sent byte for byte the same to Muster and to both peers.
 */
import { randomUUID } from 'node:crypto';

export const ROLES = ['Engineering', 'Product', 'Sales', 'Marketing', 'Other'];

/** Muster's form definition (`POST /api/v1/forms` `fields`); the peers validate the same answers. */
export const FORM_FIELDS = [
  { key: 'name', type: 'text', label: 'Your name', required: true, maxLength: 200 },
  { key: 'email', type: 'email', label: 'Work e-mail', required: true },
  { key: 'company', type: 'text', label: 'Company', maxLength: 200 },
  { key: 'role', type: 'singleChoice', label: 'What do you do?', required: true, options: ROLES },
  { key: 'rating', type: 'rating', label: 'How useful was the talk?', required: true },
  { key: 'consent', type: 'consent', label: 'You may contact me about the product', required: true },
];

/**
 * The same answers as a JSON schema, for the peers' Fastify routes: required keys, types and
 * bounds as Muster checks them, unknown keys refused.
 */
export const PEER_BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['submissionId', 'answers'],
  properties: {
    submissionId: { type: 'string', format: 'uuid' },
    answers: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'email', 'role', 'rating', 'consent'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 200 },
        email: { type: 'string', maxLength: 320, pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$' },
        company: { type: 'string', maxLength: 200 },
        role: { type: 'string', enum: ROLES },
        rating: { type: 'integer', minimum: 1, maximum: 5 },
        consent: { const: true },
      },
    },
  },
} as const;

export interface BurstSubmission {
  submissionId: string;
  answers: {
    name: string;
    email: string;
    company?: string;
    role: string;
    rating: number;
    consent: true;
  };
}

/** N submissions, each with its own random id and its own e-mail (so N leads are expected). */
export function buildSubmissions(n: number): BurstSubmission[] {
  const run = randomUUID().slice(0, 8);
  return Array.from({ length: n }, (_, i) => ({
    submissionId: randomUUID(),
    answers: {
      name: `Attendee ${i}`,
      email: `attendee-${i}-${run}@bench.muster.test`,
      ...(i % 3 ? { company: `Company ${i % 700}` } : {}),
      role: ROLES[i % ROLES.length] as string,
      rating: 1 + (i % 5),
      consent: true,
    },
  }));
}
