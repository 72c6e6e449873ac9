# The Jaeger agent's UDP interface, written for Waymark from the published
# jaeger-idl. Each datagram is one Thrift message (compact protocol on 6831,
# binary on 6832) calling emitBatch; there is no reply.

include "jaeger.thrift"

service Agent {
  # Jaeger's agent also has emitZipkinBatch (Zipkin v1 Thrift spans);
  # Waymark refuses that call by name, so it is not declared here.
  oneway void emitBatch(1: jaeger.Batch batch)
}
