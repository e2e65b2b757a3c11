import type { Request, Response, Router } from "express";

import { organizationProfile, remoteActorName, setFollowApproval } from "../../domain/organization.ts";
import { logger } from "../../logging.ts";
import { decideFollowRequest } from "../../../federation/followers.ts";
import { followPartner, PartnerError, unfollowPartner } from "../../../federation/partners.ts";
import { html } from "../../../views/html.ts";
import { ConfirmUnfollowPage, FederationAdminPage, MessagePage } from "../../../views/pages/simple.ts";
import { pageContext, sendPage, type WebServices } from "../context.ts";
import { requireRole } from "./editor.ts";

const log = logger("web", "admin");

export function registerAdminRoutes(router: Router, services: WebServices): void {
  const { store, config } = services;
  const admins = requireRole(services, ["admin"]);
  const fedContext = () => services.federation.context();

  async function showFederation(request: Request, response: Response, followForm = { handle: "", error: null as string | null }, status = 200) {
    const context = await pageContext(services, request, response);
    const profile = await organizationProfile(store, config);
    const following = await store.following.list();
    const followers = (await store.followers.list(config.organizationHandle, null, 500, 0)).items;
    const actors = await store.remoteActors.byIris([...following, ...followers].map((entry) => entry.actorIri));
    const actorNames = new Map([...actors].map(([iri, actor]) => [iri, remoteActorName(actor, context.language)]));
    sendPage(
      response,
      html`<${FederationAdminPage} context=${context} handle=${`@${config.organizationHandle}@${new URL(config.origin).host}`}
        following=${following} followers=${followers} actorNames=${actorNames}
        requireApproval=${profile.requireFollowApproval} inbound=${await store.inboundLog.recent(30)} followForm=${followForm}
        deliveries=${await store.deliveries.list(50)} pending=${services.federation.pendingDeliveries()} />`,
      status,
    );
  }

  router.get("/admin/federation", admins, (request, response) => showFederation(request, response));

  router.post("/admin/federation/follow", admins, async (request, response) => {
    const handle = String(request.body.handle ?? "").trim();
    const context = await pageContext(services, request, response);
    if (!handle) return showFederation(request, response, { handle, error: context.t("errors:handleRequired") }, 422);
    try {
      await followPartner(fedContext(), handle);
    } catch (error) {
      if (!(error instanceof PartnerError)) throw error;
      log.info("Follow of {handle} failed: {message}", { handle, message: error.message });
      const reason = context.t(`errors:partner.${error.code}`, { handle });
      return showFederation(request, response, { handle, error: context.t("errors:followFailed", { reason }) }, 422);
    }
    response.redirect(303, "/admin/federation?notice=followSent");
  });

  // Unfollowing deletes the partner's items at once, so the table links here and only this page posts the unfollow.
  router.get("/admin/federation/unfollow", admins, async (request, response) => {
    const context = await pageContext(services, request, response);
    const actor = String(request.query.actor ?? "");
    const partner = (await store.following.list()).find((entry) => entry.actorIri === actor);
    if (!partner) {
      return sendPage(response, html`<${MessagePage} context=${context} title=${context.t("errors:notFoundTitle")} message=${context.t("admin.unfollowNotFollowing", { handle: actor })} />`, 404);
    }
    const counts = await Promise.all([store.practices, store.learning, store.resources, store.consultations].map((repository) => repository.countFromSource(actor)));
    const removedItems = counts.reduce((sum, count) => sum + count, 0);
    sendPage(response, html`<${ConfirmUnfollowPage} context=${context} partner=${partner} removedItems=${removedItems} />`);
  });

  router.post("/admin/federation/unfollow", admins, async (request, response) => {
    try {
      await unfollowPartner(fedContext(), String(request.body.actor ?? ""));
    } catch (error) {
      if (!(error instanceof PartnerError)) throw error;
      const context = await pageContext(services, request, response);
      return showFederation(request, response, { handle: "", error: context.t(`errors:partner.${error.code}`, { handle: String(request.body.actor ?? "") }) }, 422);
    }
    response.redirect(303, "/admin/federation?notice=unfollowed");
  });

  router.post("/admin/federation/approval", admins, async (request, response) => {
    await setFollowApproval(store, request.body.required === "true");
    response.redirect(303, "/admin/federation?notice=saved");
  });

  router.post("/admin/federation/followers", admins, async (request, response) => {
    await decideFollowRequest(fedContext(), String(request.body.actor ?? ""), request.body.decision === "accept");
    response.redirect(303, "/admin/federation?notice=saved");
  });
}
