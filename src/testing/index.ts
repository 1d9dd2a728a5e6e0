/**
 * `atlas-invites/testing`: a fake Atlas for the tests of code that uses atlas-invites. Only what
 * such a test needs is exported: the function that starts the fake, the types of its options,
 * of what it returns and of its seeds, rules and faults. docs/FAKE-ATLAS.md explains its use and
 * lists what each of its answers rests on.
 */
export { startFakeAtlas, DEFAULT_MAX_REQUEST_BYTES } from "./fake-atlas.js";
export type { FakeAtlas, FakeAtlasOptions, RecordedRequest } from "./fake-atlas-types.js";
export type {
  FakeGroupInvite,
  FakeInviteStore,
  FakeOrgInvite,
  GroupInviteSeed,
  OrgInviteSeed,
} from "./store.js";
export type { ActiveProfileSeed, GroupUserSeed, OrgUserSeed, PendingSeed } from "./user-seeds.js";
export type { FakeUserStore } from "./users.js";
export type { FakeCredential, FakeRoles, LacksRole, RoleDenial } from "./roles.js";
export type { AuthCheck, FakeAuthScheme, FakeAuthStats } from "./auth-scheme.js";
export type {
  FakeServiceAccountOptions,
  FakeTokenEndpoint,
  FakeTokenReply,
} from "./bearer-auth.js";
export type { FakeApiKeyOptions, FakeDigest, FakeDigestAlgorithm } from "./digest-auth.js";
export { DEFAULT_EXTRA_FIELDS } from "./faults.js";
export type { Fault, FaultKind, FaultScope, InjectedFault } from "./faults.js";
