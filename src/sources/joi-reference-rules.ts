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
