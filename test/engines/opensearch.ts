import { startSearchNode, type RunningSearchNode, type SearchNodeOptions } from './search-node.ts';

export type { RunningSearchNode as RunningOpenSearch, SearchNodeOptions as OpenSearchOptions };

/**
 * Starts a real single-node OpenSearch 2.19 (test/engines/opensearch: Maven Central jars in one
 * JVM, with the netty4, analysis-common and painless modules) on free ports, its data in a
 * fresh temporary folder; resolves once the cluster is at least yellow.
 */
export function startOpenSearch(options: SearchNodeOptions = {}): Promise<RunningSearchNode> {
  return startSearchNode('opensearch', 'waymark.engines.OpenSearchNode', options);
}
