export { startFakeAtlas } from "./fake-atlas.js";
export type { FakeAtlas, FakeAtlasOptions, RecordedRequest } from "./fake-atlas.js";
export { FakeInvites, newId } from "./store.js";
export type { OrgInviteSeed, GroupInviteSeed } from "./store.js";
export type {
  AuthCheck,
  FakeApiKeyOptions,
  FakeAuthScheme,
  FakeAuthStats,
  FakeDigest,
  FakeDigestAlgorithm,
  FakeServiceAccountOptions,
  FakeTokenEndpoint,
  FakeTokenReply,
} from "./fake-auth.js";
export { DEFAULT_EXTRA_FIELDS } from "./faults.js";
export type { Fault, FaultKind, FaultScope, InjectedFault } from "./faults.js";
