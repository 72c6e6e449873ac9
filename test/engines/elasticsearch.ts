import { startSearchNode, type RunningSearchNode, type SearchNodeOptions } from './search-node.ts';

export type { RunningSearchNode as RunningElasticsearch, SearchNodeOptions as ElasticsearchOptions };

/**
 * Starts a real single-node Elasticsearch 7.17 (test/engines/elasticsearch: Maven Central jars in
 * one JVM, netty4 only: no painless scripts, no analysis-common analyzers) on free ports, its data
 * in a fresh temporary folder; resolves once the cluster is at least yellow.
 */
export function startElasticsearch(options: SearchNodeOptions = {}): Promise<RunningSearchNode> {
  return startSearchNode('elasticsearch', 'waymark.engines.ElasticsearchNode', options);
}
