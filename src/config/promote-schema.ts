import Joi from "joi";
import { isValidImageReference, parseImageReference } from "../docker/image-reference.js";
import { isValidTag } from "../sources/reference-grammar.js";
import { placeholderProblem } from "./action-schema.js";
import { repositoryPath } from "./statuses-schema.js";

const PLACEHOLDER = /\{\{\s*[A-Za-z]+\s*\}\}/g;

/**
 * A promoted tag: a template whose literal parts fit Docker's tag grammar ("stable",
 * "sha-{{revision}}"). What it renders to is checked again before anything is pushed.
 */
const tagTemplate = Joi.string().custom((value: string, helpers) => {
  const problem = placeholderProblem(value);
  if (problem) return helpers.message({ custom: problem });
  return isValidTag(value.replace(PLACEHOLDER, "x"))
    ? value
    : helpers.message({
        custom: "must be a tag: letters, digits, _ . - (at most 128, not starting with . or -)",
      });
});

/** A repository to push to: "registry.example.com/team/app", no tag or digest. */
const pushRepository = Joi.string().custom((value: string, helpers) => {
  const reference = parseImageReference(value);
  return isValidImageReference(value) && !reference.tag && !reference.digest
    ? value
    : helpers.message({
        custom:
          'must be a repository without tag or digest, such as "registry.example.com/team/app"',
      });
});

/** `promote`: push the tested digest under these tags after a pass. */
export const promote = Joi.object({
  tags: Joi.array().items(tagTemplate).min(1).unique().required(),
  repository: pushRepository,
});

/** What a source revision may name: the push's own facts, known before the test. */
export const SOURCE_TEMPLATE_NAMES = [
  "repository",
  "tag",
  "digest",
  "image",
  "registry",
  "pipeline",
];

/** `source`: a pipeline's repository path and revision template, for images without labels. */
export const pipelineSource = Joi.object({
  repository: repositoryPath,
  revision: Joi.string().custom((value: string, helpers) => {
    const problem = placeholderProblem(value, SOURCE_TEMPLATE_NAMES);
    return problem ? helpers.message({ custom: problem }) : value;
  }),
}).or("repository", "revision");
