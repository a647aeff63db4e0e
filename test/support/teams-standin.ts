import { startStandinServer, type StandinRequest, type StandinServer } from "./standin-server.js";

export interface TeamsStandin extends StandinServer {
  /** The Workflows webhook URL, with its signature. */
  webhookUrl: string;
  /** The Adaptive Cards the flow took, in order. */
  cards: Record<string, unknown>[];
}

const logicError = (status: number, code: string, message: string) => ({
  status,
  body: { error: { code, message } },
});

/**
 * A Teams Workflows webhook ("When a Teams webhook request is received", a Power Automate
 * HTTP trigger) as Microsoft documents it: `POST /workflows/<id>/triggers/manual/paths/
 * invoke?api-version=2016-06-01&sp=...&sv=1.0&sig=<signature>`; the signature is the
 * credential (401 DirectApiAuthorizationRequired without it, 401
 * DirectApiInvalidAuthorizationSignature when wrong; 404 WorkflowNotFound for another
 * workflow). The body must be a message whose attachments are Adaptive Cards (Workflows take
 * nothing else), else 400 TriggerInputSchemaMismatch. Accepted: 202 with no body. Errors
 * are Azure's `{"error": {"code", "message"}}`.
 */
export async function startTeamsStandin(): Promise<TeamsStandin> {
  const workflow = "6f1c2a3b4d5e4f60a1b2c3d4e5f60718";
  const signature = "Xq3V9tKf2LmN8pR4sT6uW1yZ0aB5cD7eF9gH2iJ4kL6";
  const cards: Record<string, unknown>[] = [];
  const handle = (request: StandinRequest) => {
    if (request.path !== `/workflows/${workflow}/triggers/manual/paths/invoke`) {
      return logicError(404, "WorkflowNotFound", "The workflow was not found.");
    }
    const sig = request.query.get("sig");
    if (!sig) {
      return logicError(
        401,
        "DirectApiAuthorizationRequired",
        "The request must be authenticated only by Shared Access scheme.",
      );
    }
    if (sig !== signature) {
      return logicError(
        401,
        "DirectApiInvalidAuthorizationSignature",
        "The provided authorization signature is not valid.",
      );
    }
    const body = request.json as { type?: unknown; attachments?: unknown } | undefined;
    const attachments = Array.isArray(body?.attachments)
      ? (body.attachments as Record<string, unknown>[])
      : [];
    const adaptive = attachments.filter(
      (a) =>
        a.contentType === "application/vnd.microsoft.card.adaptive" &&
        (a.content as { type?: unknown } | undefined)?.type === "AdaptiveCard",
    );
    if (
      body?.type !== "message" ||
      adaptive.length === 0 ||
      adaptive.length !== attachments.length
    ) {
      return logicError(
        400,
        "TriggerInputSchemaMismatch",
        "The input body for trigger 'manual' of type 'Request' did not match its schema definition.",
      );
    }
    cards.push(...adaptive.map((a) => a.content as Record<string, unknown>));
    return { status: 202 };
  };
  const server = await startStandinServer(handle);
  const query = `api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${signature}`;
  return {
    ...server,
    webhookUrl: `${server.url}/workflows/${workflow}/triggers/manual/paths/invoke?${query}`,
    cards,
  };
}
