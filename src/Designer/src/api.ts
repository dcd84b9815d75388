// The HTTP contract of ../shared/API.md, as the workbench uses it.

export interface User { username: string; displayName: string; roles: string[]; regionCode: string; disabled?: boolean }
export interface Session { accessToken: string; expiresAt: string; user: User }

export interface Task {
  id: string; caseId: string; procedure: string; step: string; name: string; role: string; level: string;
  regionCode: string; createdAt: string; dueAt?: string | null; dueAtProvisional?: boolean; overdue: boolean; claimedBy?: string | null;
  outcomes: string[]; status: string; escalated: boolean; workingDaysLeft?: number | null;
  applicant?: { name: string; idNumber: string } | null;
}

/** The roles that accept applications (the service's Roles.CaseIntake): they file cases and withdraw them. */
export const intakeRoles = ["village-caseworker", "township-officer", "township-approver", "county-officer", "county-approver",
  "emergency-responder", "system-admin"];

export interface Region { code: string; name: string; parentCode?: string | null; level: string }

export interface HistoryEntry { at: string; actor: string; step: string; action: string; outcome?: string; comment?: string; details?: unknown }
export interface PaymentBasis {
  expression?: string; amount?: number; params?: Record<string, unknown>; data?: Record<string, unknown>;
  standard?: Record<string, unknown> | null;
}
export interface Payment { id: string; amount: number; status: string; instalment: number; period?: string; basis?: PaymentBasis }
export interface CaseView {
  id: string; procedure: string; regionCode: string; status: string; step: string;
  definition: { key: string; version: number; regionCode: string };
  applicant: { name: string; idNumber: string };
  data?: Record<string, unknown>;
  openTasks: Task[]; history: HistoryEntry[]; payments: Payment[];
  decision?: { approved: boolean; amount?: number; reason?: string } | null;
}

/** A refusal from the service: its problem document, with the fields it names. */
export class ApiError extends Error {
  constructor(public status: number, public title: string, public detail: string | undefined,
              public errors: Record<string, string[]>) {
    super(detail ?? title);
  }
}

const sessionKey = "workflows.session";
/** Fired when the service stops honouring the session's token; the app then signs the user out. */
export const sessionEnded = "workflows.session-ended";

export function loadSession(): Session | null {
  const raw = sessionStorage.getItem(sessionKey);
  if (!raw) return null;
  const session = JSON.parse(raw) as Session;
  return new Date(session.expiresAt) > new Date() ? session : null;
}

export function saveSession(session: Session | null) {
  if (session) sessionStorage.setItem(sessionKey, JSON.stringify(session));
  else sessionStorage.removeItem(sessionKey);
}

/** Sends a request; a refusal becomes an ApiError with the problem document's fields. */
export async function send(method: string, path: string, token?: string,
                           init: { body?: string; headers?: Record<string, string> } = {}): Promise<{ json: unknown; response: Response }> {
  const headers: Record<string, string> = { Accept: "application/json", ...init.headers };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers["Content-Type"] ??= "application/json";
  const response = await fetch(path, { method, headers, body: init.body });
  const text = await response.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    // A token refused mid-session: the user was disabled or changed (API.md, Administration, continued).
    if (response.status === 401 && token) window.dispatchEvent(new CustomEvent(sessionEnded));
    throw new ApiError(response.status, json?.title ?? response.statusText, json?.detail, json?.errors ?? {});
  }
  return { json, response };
}

export async function request<T>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
  const { json } = await send(method, path, token, { body: body === undefined ? undefined : JSON.stringify(body) });
  return json as T;
}

export const login = (username: string, password: string) =>
  request<Session>("POST", "/api/auth/token", undefined, { username, password });
