/**
 * Issue 4, acceptance 1: the query API tests of test/query, run again with
 * the embedded store behind them (test/query/support.ts's startQuery opens
 * the backend WAYMARK_TEST_STORAGE names). Each test file keeps its own
 * server and store; their tests run here under their own names.
 */
process.env.WAYMARK_TEST_STORAGE = 'embedded';

await import('../query/search.test.ts');
await import('../query/trace-lookup.test.ts');
await import('../query/legacy-api.test.ts');
await import('../query/v3-api.test.ts');
await import('../query/grpc.test.ts');
await import('../query/adjusted-trace.test.ts');
await import('../query/base-path.test.ts');
