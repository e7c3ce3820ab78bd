// Vitest setup shared by every test file. Web component tests opt into jsdom with a
// `// @vitest-environment jsdom` docblock; server tests run in node.
export {};
