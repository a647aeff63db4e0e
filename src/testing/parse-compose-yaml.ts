import { LineCounter, isMap, isNode, parseDocument, type Node } from "yaml";
import { yamlErrorLine } from "../validation/yaml-error-line.js";
import { ComposeError } from "./compose-test.js";

/** Largest Compose test file read, from the config's folder or from an image. */
export const MAX_COMPOSE_BYTES = 256 * 1024;

/** Aliases a file may expand; more is a "billion laughs" file, not a test. */
const MAX_ALIASES = 200;

/** The top level of a Compose file as YAML gives it. */
export type ComposeDocument = Record<string, unknown> & { services: Record<string, unknown> };

/**
 * Parses a Compose file's YAML (anchors and `<<` merge keys included, duplicate keys refused)
 * and checks it is a Compose file at all: a mapping with a `services` mapping. Every problem
 * says its line and column.
 */
export function parseComposeYaml(text: string, file: string): ComposeDocument {
  if (Buffer.byteLength(text) > MAX_COMPOSE_BYTES) {
    throw new ComposeError(file, [`larger than ${MAX_COMPOSE_BYTES / 1024} KiB: not a test file`]);
  }
  const lines = new LineCounter();
  const document = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: true,
    uniqueKeys: true,
    merge: true,
  });
  const at = (node: Node | null | undefined): string => {
    const { line, col } = lines.linePos(node?.range?.[0] ?? 0);
    return `line ${line}, column ${col}`;
  };
  if (document.errors.length > 0) {
    throw new ComposeError(file, document.errors.map(yamlErrorLine));
  }
  const top = document.contents;
  if (!isMap(top)) {
    throw new ComposeError(file, [
      `${at(top)}: not a Compose file: the top level must be a mapping with "services"`,
    ]);
  }
  const services = document.getIn(["services"], true);
  if (!isMap(services)) {
    const where = isNode(services) ? at(services) : at(top);
    throw new ComposeError(file, [
      `${where}: not a Compose file: "services" must be a mapping of service names`,
    ]);
  }
  try {
    return document.toJS({ maxAliasCount: MAX_ALIASES }) as ComposeDocument;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ComposeError(file, [`${at(top)}: ${why}`]);
  }
}
