/**
 * Prepares the spec for type generation where its discriminated unions loop back on themselves.
 *
 * Atlas writes a polymorphic resource as a parent schema with its shared properties, a `oneOf` of
 * the variants and a `discriminator`, and each variant as an `allOf` of that parent plus its own
 * properties (`OrgUserResponse` -> `OrgPendingUserResponse` -> `OrgUserResponse` ...). Typed
 * literally, the parent contains the variants and each variant contains the parent, which
 * TypeScript refuses as a circular type. For the type generator only (the published spec keeps
 * upstream's structure), each variant takes a copy of the parent's own part in place of the
 * reference, and the discriminator property is pinned to the values the mapping gives that
 * variant, so `user.orgMembershipStatus === "PENDING"` narrows `user` to the pending variant.
 */
import { isObject, refName, type JsonObject } from "./openapi.js";

const SCHEMA_PREFIX = "#/components/schemas/";

/** The parent schema without its union: what every variant shares. */
function ownPart(parent: JsonObject): JsonObject {
  const { oneOf: _oneOf, anyOf: _anyOf, discriminator: _discriminator, ...rest } = parent;
  return rest;
}

/**
 * Returns a copy of `doc` in which no variant of a discriminated union refers back to its parent.
 * Schemas outside that pattern are left exactly as they are.
 */
export function breakDiscriminatorCycles<T extends JsonObject>(doc: T): T {
  const copy = structuredClone(doc);
  const schemas = (copy.components as JsonObject | undefined)?.schemas;
  if (!isObject(schemas)) return copy;
  for (const [parentName, parent] of Object.entries(schemas)) {
    if (!isObject(parent) || !Array.isArray(parent.oneOf)) continue;
    const discriminator = isObject(parent.discriminator) ? parent.discriminator : undefined;
    const property =
      typeof discriminator?.propertyName === "string" ? discriminator.propertyName : undefined;
    const mapping = isObject(discriminator?.mapping) ? discriminator.mapping : {};
    for (const branch of parent.oneOf as unknown[]) {
      const variantName = refName(branch);
      const variant = variantName ? schemas[variantName] : undefined;
      if (!isObject(variant) || !Array.isArray(variant.allOf)) continue;
      const loops = (variant.allOf as unknown[]).some((part) => refName(part) === parentName);
      if (!loops) continue;
      const values = Object.entries(mapping)
        .filter(([, target]) => target === `${SCHEMA_PREFIX}${variantName}`)
        .map(([value]) => value);
      const pinned =
        property && values.length > 0
          ? [
              {
                type: "object",
                required: [property],
                properties: { [property]: { type: "string", enum: values } },
              },
            ]
          : [];
      variant.allOf = [
        ...(variant.allOf as unknown[]).map((part) =>
          refName(part) === parentName ? ownPart(parent) : part,
        ),
        ...pinned,
      ];
    }
  }
  return copy;
}
