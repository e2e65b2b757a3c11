import type { Router } from "express";

import { FILE_TYPES, mediaTypeOfExtension } from "../../domain/file-types.ts";
import { mediaDirectory, STORED_FILE_NAME } from "../uploads.ts";
import type { WebServices } from "../context.ts";

/** Image types stored in the media folder; anything else there is not served. */
const IMAGE_TYPES = new Set<string>([FILE_TYPES.png, FILE_TYPES.jpeg, FILE_TYPES.webp, FILE_TYPES.gif].map((type) => type.mediaType));

/**
 * Registers /media/NAME, which serves the public images of the media
 * folder: copies of remote reply images and actor pictures, and the logo.
 * Names are the SHA-256 of the content, so a name never changes content and
 * caches may keep it for a year.
 */
export function registerMediaRoutes(router: Router, services: WebServices): void {
  const directory = mediaDirectory(services.config.dataDir);
  router.get("/media/:name", (request, response, next) => {
    const name = request.params.name;
    const mediaType = STORED_FILE_NAME.test(name) ? mediaTypeOfExtension(name.split(".")[1]) : null;
    if (!mediaType || !IMAGE_TYPES.has(mediaType)) return next();
    response.setHeader("Content-Type", mediaType);
    response.sendFile(name, { root: directory, dotfiles: "deny", maxAge: "365d", immutable: true, lastModified: false }, (error) => {
      const failure = error as (Error & { status?: number }) | undefined;
      if (!failure || response.headersSent) return;
      // A name that matches the pattern but is not stored falls through to the not-found page.
      if (failure.status === 404) return next();
      next(failure);
    });
  });
}
