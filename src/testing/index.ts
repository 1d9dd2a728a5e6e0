export { startFakeAtlas } from "./fake-atlas.js";
export type { FakeAtlas, FakeAtlasOptions, RecordedRequest } from "./fake-atlas.js";
export { FakeInvites, newId } from "./store.js";
export type { OrgInviteSeed, GroupInviteSeed } from "./store.js";
export type { FakeAuthScheme, AuthCheck } from "./fake-auth.js";
