/**
 * The floor under pushgate's intake: Node's HTTP server and Express 5 with pushgate's request
 * classes (createExpressServer), the same body read and JSON parse, and a 202 JSON answer; no
 * token, validation, dedupe, log line or store. Started by intake.ts with the port as its
 * argument, under the V8 flags `npm start` uses.
 */
import express from "express";
import { createExpressServer } from "../src/http/create-express-server.js";

const app = express();
app.disable("x-powered-by");
app.set("etag", false);
app.post(
  "/dockerhub-webhook/:token/notify",
  express.raw({ type: () => true, limit: 1024 * 1024 }),
  (req, res) => {
    const body = JSON.parse((req.body as Buffer).toString("utf8")) as {
      push_data: { tag: string };
    };
    res.status(202).json({ status: "queued", runs: [body.push_data.tag], duplicates: 0 });
  },
);
app.get("/healthz", (_req, res) => res.json({ status: "ok" }));
createExpressServer(app).listen(Number(process.argv[2]), "127.0.0.1");
