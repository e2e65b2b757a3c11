import type { Context as FedifyContext, Federation, RequestContext } from "@fedify/fedify";
import { toInstant } from "./time.ts";
import { Application, Endpoints, Group, Image, Person, PropertyValue } from "@fedify/vocab";
import { LanguageString } from "@fedify/vocab-runtime";

import { mediaTypeOfExtension } from "../src/domain/file-types.ts";
import { organizationProfile } from "../src/domain/organization.ts";
import { plainTextToHtml } from "../src/domain/text.ts";
import { LANGUAGES } from "../src/domain/vocabulary.ts";
import { INSTANCE_ACTOR, type FederationServices } from "./services.ts";

type Context = RequestContext<FederationServices>;

async function actorKeys(ctx: FedifyContext<FederationServices>, identifier: string) {
  const pairs = await ctx.getActorKeyPairs(identifier);
  return {
    publicKey: pairs[0]?.cryptographicKey ?? null,
    assertionMethods: pairs.map((pair) => pair.multikey),
  };
}

function commonEndpoints(ctx: FedifyContext<FederationServices>, identifier: string) {
  return {
    id: ctx.getActorUri(identifier),
    preferredUsername: identifier,
    inbox: ctx.getInboxUri(identifier),
    outbox: ctx.getOutboxUri(identifier),
    followers: ctx.getFollowersUri(identifier),
    following: ctx.getFollowingUri(identifier),
    endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
  };
}

/** Builds the organization's Group from its saved profile. */
export async function buildGroup(ctx: FedifyContext<FederationServices>, identifier: string) {
  const { store } = ctx.data;
  const profile = await organizationProfile(store, ctx.data.config);
  const primary = profile.primaryLanguage;
  const names = [profile.name[primary] ?? ctx.data.config.organizationName];
  const summaries: (string | LanguageString)[] = profile.summary[primary] ? [profile.summary[primary]] : [];
  for (const language of LANGUAGES) {
    if (profile.name[language]) names.push(new LanguageString(profile.name[language], language) as unknown as string);
    if (profile.summary[language]) summaries.push(new LanguageString(profile.summary[language], language));
  }
  return new Group({
    ...commonEndpoints(ctx, identifier),
    ...(await actorKeys(ctx, identifier)),
    names,
    summaries,
    url: new URL("/", ctx.canonicalOrigin),
    manuallyApprovesFollowers: profile.requireFollowApproval,
    discoverable: true,
    attachments: profile.website ? [new PropertyValue({ name: "Website", value: profile.website })] : [],
    icon: profile.logo ? new Image({ url: new URL(`/media/${profile.logo}`, ctx.canonicalOrigin), mediaType: mediaTypeOfExtension(profile.logo.split(".")[1]) }) : null,
  });
}

/**
 * Builds a member's Person from their account, or null for no such member.
 * Affiliation and languages go in `attachment` as PropertyValue fields,
 * which Mastodon shows as profile fields. Their names are in English, like
 * the Group's "Website", because an actor document has one set of fields.
 */
export async function buildPerson(ctx: FedifyContext<FederationServices>, identifier: string): Promise<Person | null> {
  const account = await ctx.data.store.accounts.byUsername(identifier);
  if (!account || account.username !== identifier) return null;
  const languageNames = new Intl.DisplayNames(["en"], { type: "language" });
  const fields: PropertyValue[] = [];
  if (account.affiliation) fields.push(new PropertyValue({ name: "Affiliation", value: account.affiliation }));
  if (account.languages?.length) fields.push(new PropertyValue({ name: "Languages", value: account.languages.map((code) => languageNames.of(code) ?? code).join(", ") }));
  return new Person({
    ...commonEndpoints(ctx, identifier),
    ...(await actorKeys(ctx, identifier)),
    name: account.displayName,
    summaries: account.bio
      ? [plainTextToHtml(account.bio), ...(account.bioLanguage ? [new LanguageString(plainTextToHtml(account.bio), account.bioLanguage)] : [])]
      : [],
    url: new URL(`/members/${account.username}`, ctx.canonicalOrigin),
    published: toInstant(account.created),
    attachments: fields,
  });
}

/** Registers the organization Group, member Persons and the instance Application actor. */
export function registerActors(federation: Federation<FederationServices>): void {
  federation
    .setActorDispatcher("/actors/{identifier}", async (ctx, identifier) => {
      const { config, store } = ctx.data;
      if (identifier === config.organizationHandle) return buildGroup(ctx, identifier);
      if (identifier === INSTANCE_ACTOR) {
        return new Application({
          id: ctx.getActorUri(identifier),
          preferredUsername: identifier,
          name: new URL(config.origin).host,
          inbox: ctx.getInboxUri(identifier),
          outbox: ctx.getOutboxUri(identifier),
          followers: ctx.getFollowersUri(identifier),
          following: ctx.getFollowingUri(identifier),
          endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
          manuallyApprovesFollowers: true,
          ...(await actorKeys(ctx, identifier)),
        });
      }
      return buildPerson(ctx, identifier);
    })
    .setKeyPairsDispatcher(async (ctx, identifier) => {
      const { config, store, keyPairs } = ctx.data;
      const known = identifier === config.organizationHandle || identifier === INSTANCE_ACTOR || (await store.accounts.byUsername(identifier))?.username === identifier;
      return known ? keyPairs.get(identifier) : [];
    })
    .mapHandle(async (ctx, username) => {
      const { config, store } = ctx.data;
      if (username === config.organizationHandle || username === INSTANCE_ACTOR) return username;
      const account = await store.accounts.byUsername(username);
      return account?.username ?? null;
    })
    .mapActorAlias("/actor", INSTANCE_ACTOR);
}
