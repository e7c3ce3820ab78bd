// The ports playwright.config.ts chose for this run (it sets them in the environment).
export const E2E_CONFIG_API = `http://127.0.0.1:${process.env.E2E_CONFIG_API_PORT}`;
