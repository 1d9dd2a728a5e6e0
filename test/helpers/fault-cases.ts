/**
 * Fault scenarios shared by the odd-response tests and the secrets scan: every kind of fault the
 * fake Atlas can inject, the outcome a caller must get, and a call of each operation against
 * seeded invitations (so an unfaulted answer is a 200).
 */
import {
  AtlasApiError,
  AtlasError,
  AtlasTimeoutError,
  type AtlasInvites,
  type OperationId,
} from "../../src/index.js";
import type { FakeAtlas, Fault } from "../../src/testing/index.js";

/** The operations whose resources the fake Atlas stores, so that a call of each can succeed. */
export type InviteOperationId = Extract<
  OperationId,
  "getOrgInvite" | "updateOrgInviteById" | "updateGroupInvites" | "updateGroupInviteById"
>;

export const OPERATIONS: InviteOperationId[] = [
  "getOrgInvite",
  "updateOrgInviteById",
  "updateGroupInvites",
  "updateGroupInviteById",
];

/** Every fault kind, and what the caller must get. */
/** The class of error a case must end in, whatever its constructor takes. */
export type ErrorClass = abstract new (...args: never[]) => AtlasError;

export const FAULT_MATRIX: [string, Fault, "data" | ErrorClass][] = [
  ["status 503 twice", { kind: "status", status: 503, times: 2 }, AtlasApiError],
  ["status 500 once", { kind: "status", status: 500 }, "data"],
  ["hang", { kind: "hang" }, AtlasTimeoutError],
  ["truncate, then close", { kind: "truncate" }, AtlasApiError],
  ["truncate, then stall", { kind: "truncate", ending: "stall" }, AtlasTimeoutError],
  ["reset twice", { kind: "reset", times: 2 }, AtlasError],
  ["reset once", { kind: "reset" }, "data"],
  ["html 502 twice", { kind: "html", times: 2 }, AtlasApiError],
  ["html 200", { kind: "html", status: 200 }, AtlasApiError],
  ["empty 200", { kind: "empty" }, AtlasApiError],
  ["empty 500 twice", { kind: "empty", status: 500, times: 2 }, AtlasApiError],
  ["invalid JSON 200", { kind: "invalidJson" }, AtlasApiError],
  ["invalid JSON 400", { kind: "invalidJson", status: 400 }, AtlasApiError],
  ["huge, 1 MB", { kind: "huge", bytes: 1_000_000 }, "data"],
  ["extra fields", { kind: "extraFields" }, "data"],
  ["delay inside the timeout", { kind: "delay", ms: 50 }, "data"],
  ["delay past the timeout", { kind: "delay", ms: 3_000 }, AtlasTimeoutError],
];

/** A call of each operation against seeded invitations, so an unfaulted answer is a 200. */
export function callOf(
  fake: FakeAtlas,
  atlas: AtlasInvites,
  id: InviteOperationId,
  extra: Record<string, unknown> = {},
): Promise<unknown> {
  switch (id) {
    case "getOrgInvite": {
      const s = fake.invites.addOrgInvite();
      return atlas.getOrgInvite({ orgId: s.orgId, invitationId: s.id, ...extra });
    }
    case "updateOrgInviteById": {
      const s = fake.invites.addOrgInvite();
      return atlas.updateOrgInviteById({
        orgId: s.orgId,
        invitationId: s.id,
        body: { roles: ["ORG_OWNER"] },
        ...extra,
      });
    }
    case "updateGroupInvites": {
      const s = fake.invites.addGroupInvite({ username: "ana@example.com" });
      return atlas.updateGroupInvites({
        groupId: s.groupId,
        body: { username: "ana@example.com", roles: ["GROUP_OWNER"] },
        ...extra,
      });
    }
    case "updateGroupInviteById": {
      const s = fake.invites.addGroupInvite();
      return atlas.updateGroupInviteById({
        groupId: s.groupId,
        invitationId: s.id,
        body: { roles: ["GROUP_READ_ONLY"] },
        ...extra,
      });
    }
  }
}
