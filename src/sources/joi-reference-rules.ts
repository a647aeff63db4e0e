import Joi from "joi";
import {
  isValidDigest,
  isValidRegistryHost,
  isValidRepository,
  isValidTag,
} from "./reference-grammar.js";

/** Joi rules for Docker reference parts, with messages that say what the grammar wants. */
export const repositoryName = Joi.string().custom((value: string, helpers) =>
  isValidRepository(value)
    ? value
    : helpers.message({
        custom:
          "must be a repository name: lowercase letters, digits and separators (. _ __ -) in components joined by /",
      }),
);

// Joi reads {...} in a message as a template variable, so the braces are escaped.
export const tagName = Joi.string().custom((value: string, helpers) =>
  isValidTag(value)
    ? value
    : helpers.message({ custom: "must be a tag: [A-Za-z0-9_][A-Za-z0-9_.-]\\{0,127\\}" }),
);

export const digestValue = Joi.string().custom((value: string, helpers) =>
  isValidDigest(value)
    ? value
    : helpers.message({ custom: "must be a digest such as sha256:<64 hex digits>" }),
);

export const registryHost = Joi.string().custom((value: string, helpers) =>
  isValidRegistryHost(value)
    ? value
    : helpers.message({ custom: "must be a registry host such as registry.example.com:5000" }),
);

/**
 * The host a client addressed the registry by (the request's Host header), as DNS reads it:
 * lower case, without the trailing dot of a fully qualified name ("Registry.Example.com.:5000"
 * is "registry.example.com:5000"), so it matches the configured registries.
 */
export const requestHost = Joi.string().custom((value: string, helpers) => {
  const host = value.toLowerCase().replace(/\.(?=:[0-9]+$|$)/, "");
  return isValidRegistryHost(host)
    ? host
    : helpers.message({ custom: "must be a registry host such as registry.example.com:5000" });
});
