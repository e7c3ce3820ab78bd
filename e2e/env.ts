export const E2E_CONFIG_API = `http://127.0.0.1:${process.env.E2E_CONFIG_API_PORT ?? 18082}`;
