import type { OrganizationProfile } from "../../src/domain/organization.ts";
import type { Practice } from "../../src/domain/practice.ts";
import { pickLanguage } from "../../src/domain/text.ts";
import { PracticeCard } from "../components/practice-card.ts";
import { html, type PageContext } from "../html.ts";
import { Layout } from "../layout.ts";

export function HomePage(props: { context: PageContext; profile: OrganizationProfile; latest: Practice[]; handle: string; partnerCount: number }) {
  const { t, language } = props.context;
  const summary = pickLanguage(props.profile.summary, language, props.profile.primaryLanguage);
  return html`
    <${Layout} context=${props.context} title=${t("home.title")}>
      <h1>${props.context.siteName}</h1>
      ${summary ? html`<p class="lead" lang=${summary.language !== language ? summary.language : undefined}>${summary.value}</p>` : null}
      <p>${t("home.followHint", { handle: props.handle })}</p>
      ${props.partnerCount > 0 ? html`<p>${t("home.partners", { count: props.partnerCount })}</p>` : null}
      <section aria-labelledby="latest-heading">
        <h2 id="latest-heading">${t("home.latest")}</h2>
        ${props.latest.length === 0
          ? html`<p>${t("library.empty")}</p>`
          : props.latest.map((practice) => html`<${PracticeCard} context=${props.context} practice=${practice} />`)}
        <p><a href="/library">${t("home.browseLibrary")}</a></p>
      </section>
    <//>
  `;
}
