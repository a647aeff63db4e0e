import { fileURLToPath } from "node:url";
import type { Response } from "express";
import nunjucks from "nunjucks";

/** What every page's frame prints: its title, where it is, and the sign-out form's token. */
export interface PageFrame {
  title: string;
  /** "runs", "pipelines", or "" (the nav marks the current one). */
  section: string;
  /** The session's form token; null on pages for people not signed in. */
  csrfToken: string | null;
}

export interface Renderer {
  /** Sends a page: the template printing `model` inside the frame, as HTML. */
  page(res: Response, template: string, frame: PageFrame, model: object, status?: number): void;
  /** A template's output alone (a fragment for the live parts, an SVG). */
  render(template: string, model: object): string;
}

const TEMPLATES = fileURLToPath(new URL("./templates/", import.meta.url));

/**
 * Nunjucks over src/web/templates with autoescape on: every value a template prints is
 * escaped for HTML (and XML) unless the template marks it safe, which only the rendered test
 * output is (output-view.ts escapes it). A value the template names but the model lacks is
 * an error, not an empty string, so a template cannot drift from its view model unnoticed.
 */
export function createRenderer(): Renderer {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(TEMPLATES), {
    autoescape: true,
    throwOnUndefined: true,
    trimBlocks: true,
    lstripBlocks: true,
  });
  const render = (template: string, model: object): string => env.render(template, model);
  return {
    render,
    page(res, template, frame, model, status = 200) {
      const html = render(template, { ...model, frame });
      res.status(status).type("html").set("Cache-Control", "no-store").send(html);
    },
  };
}
