import { fileURLToPath } from "node:url";
import express, { Router } from "express";

const STATIC = fileURLToPath(new URL("./static/", import.meta.url));

/**
 * The dashboard's scripts and styles, served by pushgate from its own package: its files in
 * src/web/static, and ansi_up (which draws ANSI colours in live output) from node_modules.
 * No CDN, nothing fetched from elsewhere.
 */
export function staticAssets(): Router {
  const router = Router();
  const ansiUp = fileURLToPath(import.meta.resolve("ansi_up"));
  router.get("/static/vendor/ansi_up.js", (_req, res) => {
    res.type("text/javascript").sendFile(ansiUp);
  });
  router.use("/static", express.static(STATIC, { index: false, redirect: false }));
  return router;
}
