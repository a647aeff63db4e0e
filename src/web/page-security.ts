import type { RequestHandler } from "express";
import helmet from "helmet";

/**
 * Headers of every dashboard answer (helmet): a Content-Security-Policy that lets scripts,
 * styles, images and connections come from pushgate alone (no inline script, no eval, no
 * other origin), forms post only to pushgate, and no page be framed; nosniff; a Referer only
 * to pushgate itself; no HSTS (the proxy that ends TLS decides that for its whole domain).
 * Style attributes are allowed: ANSI colours of test output outside the 16 named ones, and
 * bold, are drawn with them; they cannot run script and the text in them is escaped.
 */
export function pageSecurity(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        styleSrcAttr: ["'unsafe-inline'"],
        imgSrc: ["'self'"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: "same-origin" },
    strictTransportSecurity: false,
    xFrameOptions: { action: "deny" },
  });
}
