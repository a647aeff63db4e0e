import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The Docker image suite (npm run test:image): scripts/image-test-env.sh builds the image
// first. Kept apart from `npm test` because a first build takes minutes.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    name: "image",
    include: ["test/image/**/*.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
