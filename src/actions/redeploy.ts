import type { RedeployActionConfig } from "../config/config.js";
import { ActionError, type ExecuteAction, type OutboundRequest } from "./action-call.js";
import { describeAnswer } from "./describe-answer.js";
import {
  renderJson,
  renderTemplate,
  renderUrlTemplate,
  type TemplateValues,
} from "./render-template.js";
import { templateValuesOf } from "./template-values-of.js";

const JSON_TYPE = { "content-type": "application/json" };

const withoutSlash = (url: string): string => url.replace(/\/+$/, "");

function renderHeaders(
  headers: Readonly<Record<string, string>>,
  values: TemplateValues,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, renderTemplate(value, values)]),
  );
}

/**
 * The call a redeploy action makes:
 * - generic: `url`, `method`, `headers` and an optional JSON `body`, all templated;
 * - watchtower: `{url}/v1/update?image=<repository>` with `Authorization: Bearer <token>`;
 * - portainer: POST to the service webhook URL, with `?tag=<tag>` when `updateTag`;
 * - keel: POST `{url}/v1/webhooks/native` with `{"name": <repository>, "tag": <tag>}`;
 * - dockercloud: a plain POST to the trigger URL.
 */
export function redeployRequestOf(
  spec: RedeployActionConfig,
  values: TemplateValues,
): OutboundRequest {
  const headers = renderHeaders(spec.headers, values);
  const url = renderUrlTemplate(spec.url, values);
  switch (spec.preset) {
    case "watchtower": {
      const target = new URL(`${withoutSlash(url)}/v1/update`);
      target.searchParams.set("image", values.repository);
      return {
        method: spec.method,
        url: target.href,
        headers: { ...headers, authorization: `Bearer ${spec.token ?? ""}` },
      };
    }
    case "portainer": {
      const target = new URL(url);
      if (spec.updateTag) target.searchParams.set("tag", values.tag);
      return { method: spec.method, url: target.href, headers };
    }
    case "keel":
      return {
        method: spec.method,
        url: `${withoutSlash(url)}/v1/webhooks/native`,
        headers: { ...JSON_TYPE, ...headers },
        body: JSON.stringify({ name: values.repository, tag: values.tag }),
      };
    case "dockercloud":
      return { method: spec.method, url, headers };
    case "generic":
      return spec.body === undefined
        ? { method: spec.method, url, headers }
        : {
            method: spec.method,
            url,
            headers: { ...JSON_TYPE, ...headers },
            body: JSON.stringify(renderJson(spec.body, values)),
          };
  }
}

/** The redeploy action: one call, any 2xx is done. */
export const redeploy: ExecuteAction<RedeployActionConfig> = async (call, spec) => {
  const request = redeployRequestOf(spec, templateValuesOf(call.outcome));
  const response = await call.send(request);
  if (response.status < 200 || response.status >= 300) {
    throw new ActionError(describeAnswer(response));
  }
  return { state: "done", result: { status: response.status } };
};
