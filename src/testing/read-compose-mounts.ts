import { parseSize } from "../config/parse-units.js";
import type { ComposeMount } from "./compose-test.js";
import { isMapping, readBoolean, readOneOrList, readString } from "./compose-values.js";
import type { Problems } from "./problems.js";
import { pathOf } from "./problems.js";
import { notAllowed, UNKNOWN_KEY } from "./refused-compose-keys.js";

export interface VolumeScope {
  /** Volumes declared under the top-level `volumes`. */
  declared: ReadonlySet<string>;
  /** Makes a volume for an anonymous mount; answers its key. */
  anonymous: () => string;
}

const BIND = "binds a host path";
/** tmpfs options that cannot weaken the container (no suid, no device files). */
const TMPFS_OPTIONS =
  /^(rw|ro|exec|noexec|nosuid|nodev|(size|mode|uid|gid|nr_inodes|nr_blocks)=[0-9a-zA-Z]+)$/;

/** A service's `volumes`: named volumes of the file and anonymous ones; host paths refused. */
export function readVolumes(
  value: unknown,
  path: string,
  problems: Problems,
  scope: VolumeScope,
): ComposeMount[] {
  if (!Array.isArray(value)) return problems.add(path, "must be a list") ?? [];
  const mounts: (ComposeMount | undefined)[] = value.map((item, i) =>
    isMapping(item)
      ? longVolume(item, pathOf(path, i), problems, scope)
      : shortVolume(item, pathOf(path, i), problems, scope),
  );
  return mounts.filter((mount): mount is ComposeMount => mount !== undefined);
}

function shortVolume(
  item: unknown,
  path: string,
  problems: Problems,
  scope: VolumeScope,
): ComposeMount | undefined {
  const text = readString(item, path, problems);
  if (text === undefined) return undefined;
  const parts = text.split(":");
  if (parts.length === 1) return anonymous(text, false, path, problems, scope);
  const [source = "", target = "", mode = "rw", ...extra] = parts;
  if (/^[./~]/.test(source) || source.includes("/")) {
    return problems.add(path, notAllowed(`${BIND}: ${source}`));
  }
  const modes = mode.split(",");
  const unknown = modes.find((m) => !["ro", "rw", "nocopy"].includes(m));
  if (extra.length > 0 || unknown !== undefined) {
    return problems.add(path, `"${text}" is not SOURCE:TARGET[:ro|rw|nocopy]`);
  }
  return named(
    source,
    target,
    modes.includes("ro"),
    modes.includes("nocopy"),
    path,
    problems,
    scope,
  );
}

function longVolume(
  item: Record<string, unknown>,
  path: string,
  problems: Problems,
  scope: VolumeScope,
): ComposeMount | undefined {
  const { type = "volume", source, target, read_only: readOnly = false, ...rest } = item;
  if (type === "bind" || type === "npipe" || type === "image" || type === "cluster") {
    return problems.add(
      pathOf(path, "type"),
      notAllowed(type === "bind" ? BIND : `${String(type)} mounts`),
    );
  }
  if (type !== "volume" && type !== "tmpfs")
    return problems.add(pathOf(path, "type"), "must be volume or tmpfs");
  const options = isMapping(rest[type]) ? rest[type] : {};
  for (const key of Object.keys(rest)) {
    if (key !== type && key !== "consistency") problems.add(pathOf(path, key), UNKNOWN_KEY);
  }
  const at = readString(target, pathOf(path, "target"), problems);
  const ro = readBoolean(readOnly, pathOf(path, "read_only"), problems) ?? false;
  if (at === undefined) return undefined;
  if (type === "tmpfs") {
    const size =
      options.size === undefined ? undefined : parseSize(options.size as string | number);
    const mode = typeof options.mode === "number" ? options.mode : undefined;
    for (const key of Object.keys(options).filter((k) => k !== "size" && k !== "mode")) {
      problems.add(pathOf(pathOf(path, "tmpfs"), key), UNKNOWN_KEY);
    }
    if (!at.startsWith("/"))
      return problems.add(pathOf(path, "target"), "must be an absolute path");
    return {
      type: "tmpfs",
      target: at,
      ...(size !== undefined ? { sizeBytes: size } : {}),
      ...(mode !== undefined ? { mode } : {}),
    };
  }
  for (const key of Object.keys(options).filter((k) => k !== "nocopy")) {
    problems.add(pathOf(pathOf(path, "volume"), key), UNKNOWN_KEY);
  }
  const noCopy = options.nocopy === true;
  if (source === undefined || source === null || source === "")
    return anonymous(at, ro, path, problems, scope);
  const name = readString(source, pathOf(path, "source"), problems);
  return name === undefined ? undefined : named(name, at, ro, noCopy, path, problems, scope);
}

function named(
  volume: string,
  target: string,
  readOnly: boolean,
  noCopy: boolean,
  path: string,
  problems: Problems,
  scope: VolumeScope,
): ComposeMount | undefined {
  if (!scope.declared.has(volume)) {
    return problems.add(path, `volume ${volume} is not declared under the top-level volumes`);
  }
  if (!target.startsWith("/")) return problems.add(path, `${target} is not an absolute path`);
  return { type: "volume", volume, target, readOnly, noCopy };
}

function anonymous(
  target: string,
  readOnly: boolean,
  path: string,
  problems: Problems,
  scope: VolumeScope,
): ComposeMount | undefined {
  if (!target.startsWith("/")) return problems.add(path, `${target} is not an absolute path`);
  return { type: "volume", volume: scope.anonymous(), target, readOnly, noCopy: false };
}

/** A service's `tmpfs`: "/path" or "/path:size=64m,mode=1777", one or a list. */
export function readTmpfs(
  value: unknown,
  path: string,
  problems: Problems,
): Record<string, string> {
  const tmpfs: Record<string, string> = {};
  (readOneOrList(value, path, problems) ?? []).forEach((entry, i) => {
    const [target = "", options = ""] = entry.split(/:(.*)/s);
    const refused = options
      .split(",")
      .find((option) => option !== "" && !TMPFS_OPTIONS.test(option));
    if (!target.startsWith("/")) problems.add(pathOf(path, i), `${target} is not an absolute path`);
    else if (refused !== undefined)
      problems.add(pathOf(path, i), notAllowed(`tmpfs option ${refused}`));
    else tmpfs[target] = options;
  });
  return tmpfs;
}
