import { type Static, Type } from 'typebox';
import { Id, ShortText, Timestamp } from './common.ts';

/** Most fields a form may have. */
export const MAX_FORM_FIELDS = 50;
/** Largest `answers` object accepted, in bytes of its JSON. */
export const MAX_ANSWERS_BYTES = 64 * 1024;
/** Default and ceiling of a form's submissions per minute (the owner's burst allowance). */
export const DEFAULT_BURST_PER_MINUTE = 5_000;
export const MAX_BURST_PER_MINUTE = 100_000;

export const FormOwnerType = Type.Union([Type.Literal('event'), Type.Literal('community')]);
export type FormOwnerType = Static<typeof FormOwnerType>;

export const FormPurpose = Type.Union([
  Type.Literal('registration'),
  Type.Literal('lead'),
  Type.Literal('survey'),
]);
export type FormPurpose = Static<typeof FormPurpose>;

export const FormFieldType = Type.Union([
  Type.Literal('text'),
  Type.Literal('longText'),
  Type.Literal('email'),
  Type.Literal('phone'),
  Type.Literal('number'),
  Type.Literal('singleChoice'),
  Type.Literal('multipleChoice'),
  Type.Literal('checkbox'),
  Type.Literal('rating'),
  Type.Literal('consent'),
]);
export type FormFieldType = Static<typeof FormFieldType>;

/**
 * One question. `options` only for the choice types (and required there); `min`/`max` bound a
 * number; `maxLength` lowers the cap of a text field (text 500, longText 10,000 characters).
 */
export const FormField = Type.Object(
  {
    key: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,39}$', maxLength: 40 }),
    type: FormFieldType,
    label: ShortText(300),
    help: Type.Optional(Type.String({ maxLength: 1000 })),
    required: Type.Optional(Type.Boolean()),
    options: Type.Optional(Type.Array(ShortText(200), { minItems: 1, maxItems: 50 })),
    min: Type.Optional(Type.Number({ minimum: -1e12, maximum: 1e12 })),
    max: Type.Optional(Type.Number({ minimum: -1e12, maximum: 1e12 })),
    maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  },
  { additionalProperties: false },
);
export type FormField = Static<typeof FormField>;

const FormFields = Type.Array(FormField, { minItems: 1, maxItems: MAX_FORM_FIELDS });
const BurstPerMinute = Type.Integer({ minimum: 1, maximum: MAX_BURST_PER_MINUTE });

export const CreateFormBody = Type.Object(
  {
    ownerType: FormOwnerType,
    ownerId: Id,
    purpose: FormPurpose,
    title: ShortText(200),
    fields: FormFields,
    open: Type.Optional(Type.Boolean()),
    burstPerMinute: Type.Optional(BurstPerMinute),
  },
  { additionalProperties: false },
);
export type CreateFormBody = Static<typeof CreateFormBody>;

/** A change of `fields` makes a new version; submissions keep the version they answered. */
export const UpdateFormBody = Type.Object(
  {
    title: Type.Optional(ShortText(200)),
    fields: Type.Optional(FormFields),
    open: Type.Optional(Type.Boolean()),
    burstPerMinute: Type.Optional(BurstPerMinute),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateFormBody = Static<typeof UpdateFormBody>;

/**
 * A form's public definition. The owner's view adds `burstPerMinute` and the counters
 * (`receivedCount`, `processedCount`, `failedCount`).
 */
export const Form = Type.Object({
  id: Id,
  ownerType: FormOwnerType,
  ownerId: Id,
  purpose: FormPurpose,
  title: Type.String(),
  version: Type.Integer({ minimum: 1 }),
  open: Type.Boolean(),
  fields: Type.Array(FormField),
  burstPerMinute: Type.Optional(Type.Integer()),
  receivedCount: Type.Optional(Type.Integer()),
  processedCount: Type.Optional(Type.Integer()),
  failedCount: Type.Optional(Type.Integer()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Form = Static<typeof Form>;

/** `answers` maps field keys to values; `ref` is a referral code carried to the lead pipeline. */
export const SubmitFormBody = Type.Object(
  {
    answers: Type.Record(Type.String(), Type.Unknown(), { maxProperties: MAX_FORM_FIELDS + 10 }),
    submissionId: Type.Optional(Id),
    ref: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })),
  },
  { additionalProperties: false },
);
export type SubmitFormBody = Static<typeof SubmitFormBody>;

export const SubmissionState = Type.Union([
  Type.Literal('queued'),
  Type.Literal('processing'),
  Type.Literal('done'),
  Type.Literal('failed'),
]);
export type SubmissionState = Static<typeof SubmissionState>;

/** The 202 answer: the submission is durably stored and its processing job enqueued. */
export const SubmissionAccepted = Type.Object({ submissionId: Id, status: Type.Literal('queued') });
export type SubmissionAccepted = Static<typeof SubmissionAccepted>;

export const SubmissionStatus = Type.Object({
  submissionId: Id,
  status: SubmissionState,
  leadId: Type.Optional(Id),
  error: Type.Optional(Type.String()),
});
export type SubmissionStatus = Static<typeof SubmissionStatus>;

/** A submission as the form's owners see it. */
export const Submission = Type.Object({
  id: Id,
  formId: Id,
  version: Type.Integer({ minimum: 1 }),
  answers: Type.Record(Type.String(), Type.Unknown()),
  status: SubmissionState,
  ref: Type.Union([Type.String(), Type.Null()]),
  submitterId: Type.Union([Id, Type.Null()]),
  leadId: Type.Union([Id, Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  receivedAt: Timestamp,
  processedAt: Type.Union([Timestamp, Type.Null()]),
});
export type Submission = Static<typeof Submission>;

export const SubmissionListQuery = Type.Object({
  status: Type.Optional(SubmissionState),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});
export type SubmissionListQuery = Static<typeof SubmissionListQuery>;

/**
 * Change record `forms.submissionCounted` on the owner's scope (`event:<id>` or `community:<id>`),
 * one per accepted micro-batch and one per processed batch: the live counter.
 */
export const FormSubmissionCounted = Type.Object({
  formId: Id,
  received: Type.Integer({ minimum: 0 }),
  processed: Type.Integer({ minimum: 0 }),
  failed: Type.Integer({ minimum: 0 }),
});
export type FormSubmissionCounted = Static<typeof FormSubmissionCounted>;
