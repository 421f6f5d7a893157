import {
  AddLeadNoteBody,
  CaptureLeadBody,
  IdParams,
  Lead,
  LeadCaptureReceipt,
  LeadDetail,
  LeadListQuery,
  LeadNote,
  LeadPage,
  PatchLeadBody,
} from '@muster/protocol';
import type { Platform } from '../../platform/context.ts';
import { sendCsv } from '../../platform/http/csv.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import * as leads from './leads.service.ts';

const tags = ['leads'];
const security = [{ bearer: [] }];

/** A community's leads: list (and the hot list), detail with the score explained, pipeline, notes. */
export function leadRoutes(app: App, platform: Platform) {
  app.get(
    '/api/v1/communities/:id/leads',
    {
      schema: {
        tags,
        security,
        description: 'Hot leads: `?sort=score&minScore=50`. Members other than owners/admins see their own.',
        params: IdParams,
        querystring: LeadListQuery,
        response: { 200: LeadPage },
      },
    },
    async (request) => leads.listLeads(authedCtx(platform, request), request.params.id, request.query),
  );

  app.post(
    '/api/v1/communities/:id/leads',
    {
      schema: {
        tags,
        security,
        description:
          'Owners and admins get the lead (201); event reps get a receipt of what they sent (202), never the lead.',
        params: IdParams,
        body: CaptureLeadBody,
        response: { 201: Lead, 202: LeadCaptureReceipt },
      },
    },
    async (request, reply) => {
      const result = await leads.captureLead(authedCtx(platform, request), request.params.id, request.body);
      return 'lead' in result ? reply.status(201).send(result.lead) : reply.status(202).send(result.receipt);
    },
  );

  app.get(
    '/api/v1/communities/:id/leads.csv',
    {
      schema: {
        tags,
        security,
        params: IdParams,
        response: { 200: { description: 'CSV (RFC 4180)', content: { 'text/csv': { schema: {} } } } },
      },
    },
    async (request, reply) => {
      const csv = await leads.exportLeads(authedCtx(platform, request), request.params.id);
      return sendCsv(reply, `leads-${request.params.id}.csv`, csv);
    },
  );

  app.get(
    '/api/v1/leads/:id',
    { schema: { tags, security, params: IdParams, response: { 200: LeadDetail } } },
    async (request) => leads.getLead(authedCtx(platform, request), request.params.id),
  );

  app.patch(
    '/api/v1/leads/:id',
    { schema: { tags, security, params: IdParams, body: PatchLeadBody, response: { 200: LeadDetail } } },
    async (request) => leads.patchLead(authedCtx(platform, request), request.params.id, request.body),
  );

  app.post(
    '/api/v1/leads/:id/notes',
    { schema: { tags, security, params: IdParams, body: AddLeadNoteBody, response: { 201: LeadNote } } },
    async (request, reply) =>
      reply
        .status(201)
        .send(await leads.addLeadNote(authedCtx(platform, request), request.params.id, request.body)),
  );
}
