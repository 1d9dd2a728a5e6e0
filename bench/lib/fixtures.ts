/** Ids and bodies shared by the timing and counting metrics. */
import { operations } from "../../generated/operations.js";

export const ORG_ID = "4888442a3354817a7320eb61";
export const GROUP_ID = "32b6e34b3d91647abb20e7b8";
export const INVITATION_ID = "5f1a7b3c9d2e4f6a8b0c1d2e";
export const ACCESS_TOKEN = "bench-access-token";

/** The media type Atlas answers these operations with, read from the generated table. */
export const ATLAS_JSON = operations.getOrgInvite.mediaType;

export const ORG_PATH = operations.getOrgInvite.path;
export const ORG_URL_PATH = ORG_PATH.replace("{orgId}", ORG_ID).replace(
  "{invitationId}",
  INVITATION_ID,
);

/** The body of the PATCH that the timing metrics send. */
export const PATCH_BODY = { roles: ["ORG_MEMBER" as const] };

/** A spec-shaped OrganizationInvitation, as Atlas returns it. */
export const ORG_INVITE_TEXT = JSON.stringify({
  createdAt: "2026-06-01T10:00:00Z",
  expiresAt: "2026-07-01T10:00:00Z",
  groupRoleAssignments: [],
  id: INVITATION_ID,
  inviterUsername: "owner@example.com",
  links: [{ href: `https://cloud.mongodb.com${ORG_URL_PATH}`, rel: "self" }],
  orgId: ORG_ID,
  orgName: "Acme",
  roles: ["ORG_MEMBER"],
  teamIds: [],
  username: "invitee@example.com",
});
