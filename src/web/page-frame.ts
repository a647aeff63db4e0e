import type { Response } from "express";
import type { SessionRecord } from "../store/run-store.js";
import type { PageFrame } from "./render-page.js";

/** The frame of a page: its title and section, and the sign-out form while signed in. */
export function pageFrame(res: Response, title: string, section = ""): PageFrame {
  const session = res.locals.session as SessionRecord | undefined;
  return { title, section, csrfToken: session?.csrfToken ?? null };
}
