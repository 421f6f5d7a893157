import type {
  Lead,
  LeadDetail,
  LeadNote,
  LeadSource,
  LeadSourceKind,
  LeadStage,
  ScoreItem,
} from '@muster/protocol';
import type { LeadNoteRow, LeadRow, LeadSourceRow } from './leads.repository.ts';

export function presentLead(row: LeadRow, score: number): Lead {
  return {
    id: row.id,
    communityId: row.communityId,
    email: row.email,
    name: row.name,
    company: row.company,
    stage: row.stage as LeadStage,
    assigneeId: row.assigneeId,
    score,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const presentSource = (row: LeadSourceRow): LeadSource => ({
  kind: row.kind as LeadSourceKind,
  eventId: row.eventId,
  formId: row.formId,
  submissionId: row.submissionId,
  referralCode: row.referralCode,
  repId: row.repId,
  at: row.createdAt.toISOString(),
});

const presentNote = (row: LeadNoteRow): LeadNote => ({
  id: row.id,
  authorId: row.authorId,
  body: row.body,
  createdAt: row.createdAt.toISOString(),
});

export function presentLeadDetail(
  row: LeadRow,
  scored: { score: number; breakdown: ScoreItem[] },
  sources: LeadSourceRow[],
  notes: LeadNoteRow[],
): LeadDetail {
  return {
    ...presentLead(row, scored.score),
    sources: sources.map(presentSource),
    notes: notes.map(presentNote),
    scoreBreakdown: scored.breakdown,
  };
}
