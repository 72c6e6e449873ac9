#!/bin/sh
# Regenerates apiv3/query_service.pb.go from apiv3/query_service.proto with
# protoc and gogo's protoc-gen-gogo, the way Jaeger generates its api_v3 Go
# client. Only needed after editing the .proto: the tests build the committed
# Go code and need neither protoc nor the plugin.
#
# Needs protoc (Debian: apt-get install -y protobuf-compiler) and Go; the
# plugin is built from the Go module proxy at the gogo version go.mod pins.
set -eu
cd "$(dirname "$0")"
command -v protoc >/dev/null || { echo "generate.sh: protoc not found (apt-get install -y protobuf-compiler)" >&2; exit 1; }

export GOFLAGS=-mod=mod
gogo_version=$(go list -m -f '{{.Version}}' github.com/gogo/protobuf)
gogo_dir=$(go list -m -f '{{.Dir}}' github.com/gogo/protobuf)
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
GOBIN="$bin" go install "github.com/gogo/protobuf/protoc-gen-gogo@$gogo_version"

# Well-known types: gogo's Go package for them; OTLP's TracesData: the
# OpenTelemetry Go bindings. The OTLP .proto files are the server's own.
map=Mgoogle/protobuf/timestamp.proto=github.com/gogo/protobuf/types
map=$map,Mgoogle/protobuf/duration.proto=github.com/gogo/protobuf/types
map=$map,Mgoogle/protobuf/descriptor.proto=github.com/gogo/protobuf/protoc-gen-gogo/descriptor
map=$map,Mopentelemetry/proto/trace/v1/trace.proto=go.opentelemetry.io/proto/otlp/trace/v1

protoc \
  -I apiv3 \
  -I "$gogo_dir" \
  -I "$gogo_dir/protobuf" \
  -I ../../../src/protocols/otlp/proto \
  --plugin=protoc-gen-gogo="$bin/protoc-gen-gogo" \
  --gogo_out=plugins=grpc,paths=source_relative,$map:apiv3 \
  query_service.proto
gofmt -l apiv3
