// The definitions routes of API.md, as the designer uses them.
import { ApiError, request, send } from "../api";
import type { Definition, DefinitionError, ValidationReport } from "./definition";

export interface DefinitionSummary {
  key: string; regionCode: string; name: string; publishedVersion?: number | null;
  draft?: { valid: boolean; updatedAt: string; updatedBy: string; revision: number } | null;
}
export interface VersionInfo { key: string; regionCode: string; version: number; name: string; publishedAt: string; publishedBy: string }
export interface DraftSaved { valid: boolean; errors: DefinitionError[]; revision: number }
export interface Vocabulary {
  kinds: string[]; roles: string[]; levels: string[]; timeoutActions: string[]; actions: string[]; rules: string[];
  endStatuses: string[]; maxDeadlineWorkingDays: number; maxNoticeWorkingDays: number; maxTimerWorkingDays: number;
}

const q = (region: string) => `region=${encodeURIComponent(region)}`;

export const listDefinitions = (token: string) => request<DefinitionSummary[]>("GET", "/api/definitions", token);
export const vocabulary = (token: string) => request<Vocabulary>("GET", "/api/definitions/vocabulary", token);
export const listVersions = (token: string, key: string, region: string) =>
  request<VersionInfo[]>("GET", `/api/definitions/${key}/versions?${q(region)}`, token);
export const loadVersion = (token: string, key: string, region: string, version: number) =>
  request<Definition>("GET", `/api/definitions/${key}/versions/${version}?${q(region)}`, token);
export const validate = (token: string, definition: Definition) =>
  request<ValidationReport>("POST", "/api/definitions/validate", token, definition);
export const publish = (token: string, key: string, region: string) =>
  request<{ version: number }>("POST", `/api/definitions/${key}/publish?${q(region)}`, token);

/** The region's draft and its revision (for If-Match), or null when it has none. */
export async function loadDraft(token: string, key: string, region: string): Promise<{ definition: Definition; revision: number } | null> {
  try {
    const { json, response } = await send("GET", `/api/definitions/${key}/draft?${q(region)}`, token);
    return { definition: json as Definition, revision: Number(response.headers.get("ETag")?.replaceAll('"', "") ?? 0) };
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** Saves the draft; `revision` is the one the editor started from (0: no draft), so a concurrent edit is a 409. */
export async function saveDraft(token: string, definition: Definition, revision: number): Promise<DraftSaved> {
  const { json } = await send("PUT", `/api/definitions/${definition.key}/draft?${q(definition.regionCode)}`, token,
    { body: JSON.stringify(definition), headers: { "If-Match": `"${revision}"` } });
  return json as DraftSaved;
}

/** Imports a file's text as the region's draft; a file that is not a definition is refused with the reason. */
export async function importDefinition(token: string, region: string, text: string, revision?: number) {
  const headers: Record<string, string> = revision === undefined ? {} : { "If-Match": `"${revision}"` };
  const { json } = await send("POST", `/api/definitions/import?${q(region)}`, token, { body: text, headers });
  return json as DraftSaved & { key: string };
}
