import type { Request, Response } from "express";

import { logger } from "../logging.ts";
import { html } from "../../views/html.ts";
import { MessagePage } from "../../views/pages/simple.ts";
import { pageContext, sendPage, type WebServices } from "./context.ts";
import { parseUpload, type ParsedUpload } from "./uploads.ts";

const log = logger("web", "uploads");

/**
 * Reads a multipart form with `parseUpload`, checking its CSRF token. When
 * the body is not well-formed multipart (busboy rejects one cut off by the
 * browser) or the token is wrong, it sends the error page itself (400 or
 * 403) and returns null.
 */
export async function readUploadForm(
  services: WebServices,
  request: Request,
  response: Response,
  options: Omit<Parameters<typeof parseUpload>[1], "csrfToken">,
): Promise<ParsedUpload | null> {
  let parsed: ParsedUpload;
  try {
    parsed = await parseUpload(request, { ...options, csrfToken: String(response.locals.csrfToken ?? "") });
  } catch (error) {
    log.info("Could not read an upload form on {path}: {error}", { path: request.path, error });
    const context = await pageContext(services, request, response);
    sendPage(response, html`<${MessagePage} context=${context} title=${context.t("resources:badUpload.title")} message=${context.t("resources:badUpload.message")} />`, 400);
    return null;
  }
  if (!parsed.csrfValid) {
    const context = await pageContext(services, request, response);
    sendPage(response, html`<${MessagePage} context=${context} title=${context.t("errors:csrfTitle")} message=${context.t("errors:csrf")} />`, 403);
    return null;
  }
  return parsed;
}
