/**
 * Changes to the record that `/case reason` and `/note add` make, shared with the dashboard:
 * a reason amendment (appended to the case's history, the mod-log embed edited in place) and
 * a staff note.
 */
import type { ModerationService } from './moderation.service';
import type { CaseRow, NoteRow } from './schema';

/** The case after its reason was amended, and a sentence when the mod log could not be updated. */
export interface AmendResult {
  row: CaseRow;
  problem: string | null;
}

/** Appends `text` to a live case's reason and edits its mod-log embed. Null when there is no such live case. */
export async function amendCaseReason(service: ModerationService, actorId: string, caseNumber: number, text: string): Promise<AmendResult | null> {
  const row = await service.cases.amendReason(caseNumber, actorId, text);
  if (!row) return null;
  await service.announce('case_updated', row, 'reason_amended');
  return { row, problem: await service.modLog.refresh(row) };
}

/** Adds a private staff note about a member. */
export function addNote(service: ModerationService, actorId: string, targetId: string, text: string): Promise<NoteRow> {
  return service.notes.add(targetId, actorId, text);
}
