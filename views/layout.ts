import type { ComponentChildren } from "preact";

import { LANGUAGES } from "../src/domain/vocabulary.ts";
import { CsrfField, html, type PageContext } from "./html.ts";

function languageLink(currentUrl: string, language: string): string {
  let url: URL;
  try {
    url = new URL(currentUrl, "http://localhost");
  } catch {
    // A request path that is not a valid URL still gets a page, with links to the home page.
    url = new URL("/", "http://localhost");
  }
  url.searchParams.set("lang", language);
  return `${url.pathname}${url.search}`;
}

/** Links between the admin pages, shown at the top of each; the current one is marked for screen readers. */
export function AdminNav(props: { context: PageContext; current: string }) {
  const { t } = props.context;
  const pages = [
    ["/admin/federation", t("layout.federation")],
    ["/admin/domains", t("layout.domains")],
    ["/admin/accounts", t("layout.accounts")],
    ["/admin/audit", t("layout.audit")],
    ["/admin/resources", t("resources:admin.nav")],
  ];
  return html`
    <nav aria-label=${t("layout.administration")} class="admin-nav">
      <ul>
        ${pages.map(([href, label]) => html`<li><a href=${href} aria-current=${href === props.current ? "page" : undefined}>${label}</a></li>`)}
      </ul>
    </nav>
  `;
}

/** The page frame: skip link, header with navigation and language switcher, main, footer. */
export function Layout(props: { context: PageContext; title: string; children: ComponentChildren }) {
  const { t, language, account, siteName, currentUrl, notice } = props.context;
  return html`
    <html lang=${language}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${props.title} · ${siteName}</title>
        <link rel="stylesheet" href="/static/minga.css" />
      </head>
      <body>
        <a class="skip-link" href="#main">${t("layout.skipToContent")}</a>
        <header class="site-header">
          <p class="site-name"><a href="/">${siteName}</a></p>
          <nav aria-label=${t("layout.mainNavigation")}>
            <ul>
              <li><a href="/">${t("layout.home")}</a></li>
              <li><a href="/library">${t("layout.library")}</a></li>
              <li><a href="/calendar">${t("learning:nav.calendar")}</a></li>
              <li><a href="/consultations">${t("consultations:nav.consultations")}</a></li>
              <li><a href="/organizations">${t("layout.organizations")}</a></li>
              ${account && account.role !== "reviewer" ? html`<li><a href="/practices/new">${t("layout.newPractice")}</a></li>` : null}
              ${account?.role === "admin" || account?.role === "editor" ? html`<li><a href="/learning/new">${t("learning:nav.newLearning")}</a></li>` : null}
              ${account && account.role !== "reviewer" ? html`<li><a href="/resources/new">${t("resources:nav.new")}</a></li>` : null}
              ${account ? html`<li><a href="/review">${t(account.role === "member" ? "layout.ownSubmissions" : "layout.review")}</a></li>` : null}
              ${account && account.role !== "member" ? html`<li><a href="/moderation">${t("layout.moderation")}</a></li>` : null}
              ${account?.role === "admin" ? html`<li><a href="/admin/federation">${t("layout.administration")}</a></li>` : null}
              ${account ? html`<li><a href="/account/profile">${t("layout.profile")}</a></li>` : null}
              ${account ? html`<li><a href="/account/password">${t("layout.password")}</a></li>` : null}
              ${account
                ? html`<li>
                    <form method="post" action="/sign-out" class="inline-form">
                      <${CsrfField} context=${props.context} />
                      <button type="submit">${t("layout.signOut", { name: account.displayName })}</button>
                    </form>
                  </li>`
                : html`<li><a href="/sign-in">${t("layout.signIn")}</a></li>`}
            </ul>
          </nav>
          <nav aria-label=${t("layout.languages")} class="languages">
            <ul>
              ${LANGUAGES.map(
                (code) => html`<li>
                  <a href=${languageLink(currentUrl, code)} lang=${code} hreflang=${code} aria-current=${code === language ? "true" : undefined}>
                    ${t(`languages.${code}`, { lng: code })}
                  </a>
                </li>`,
              )}
            </ul>
          </nav>
        </header>
        <main id="main" tabindex="-1">
          ${notice ? html`<p class="notice" role="status">${notice}</p>` : null}
          ${props.children}
        </main>
        <footer class="site-footer">
          <p>${t("layout.footer")}</p>
        </footer>
      </body>
    </html>
  `;
}
