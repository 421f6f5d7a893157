/** The `/metrics` scrape token every test server (in-process or spawned) is started with. */
export const TEST_METRICS_TOKEN = 'test-metrics-token-test-metrics-token-0123';
export const metricsHeaders = { authorization: `Bearer ${TEST_METRICS_TOKEN}` };
