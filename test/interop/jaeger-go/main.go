// Command jaeger-go queries a Jaeger query server over gRPC with the Go
// clients Jaeger itself uses: jaeger-idl's gogo-generated api_v2 client and
// an api_v3 client generated the same way as Jaeger's (apiv3/, see
// generate.sh). Both put every Timestamp and Duration on the wire, unset ones
// as zero values, which is what the calls below exercise.
//
// It prints one JSON object: for each call, what came back (trace IDs, span
// count, services, operations) or the gRPC status code. Checking the results
// is left to the caller (test/interop/jaeger-go-clients.test.ts).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	model "github.com/jaegertracing/jaeger-idl/model/v1"
	"github.com/jaegertracing/jaeger-idl/proto-gen/api_v2"
	tracev1 "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"waymark.dev/test/interop/jaeger-go/apiv3"
)

type result struct {
	Code       string   `json:"code"`
	Error      string   `json:"error,omitempty"`
	TraceIDs   []string `json:"traceIds,omitempty"`
	Spans      int      `json:"spans,omitempty"`
	Services   []string `json:"services,omitempty"`
	Operations []string `json:"operations,omitempty"`
}

func main() {
	addr := flag.String("addr", "", "host:port of the query gRPC server")
	service := flag.String("service", "", "service to search and list operations for")
	traceID := flag.String("trace", "", "trace ID (hex) to get")
	lookback := flag.Duration("lookback", time.Hour, "search window: from now-lookback to now")
	timeout := flag.Duration("timeout", time.Minute, "deadline of each call")
	flag.Parse()
	if *addr == "" || *service == "" || *traceID == "" {
		fmt.Fprintln(os.Stderr, "usage: jaeger-go -addr host:port -service name -trace hex")
		os.Exit(2)
	}
	id, err := model.TraceIDFromString(*traceID)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bad -trace: %v\n", err)
		os.Exit(2)
	}
	conn, err := grpc.NewClient(*addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fmt.Fprintf(os.Stderr, "dial %s: %v\n", *addr, err)
		os.Exit(1)
	}
	defer conn.Close()
	v2 := api_v2.NewQueryServiceClient(conn)
	v3 := apiv3.NewQueryServiceClient(conn)
	now := time.Now()
	call := func(fn func(ctx context.Context) (result, error)) result {
		ctx, cancel := context.WithTimeout(context.Background(), *timeout)
		defer cancel()
		r, err := fn(ctx)
		if err != nil {
			return result{Code: status.Code(err).String(), Error: err.Error()}
		}
		r.Code = "OK"
		return r
	}
	// Only the fields a caller sets are set here; every other time and
	// duration stays Go's zero value, as in Jaeger's own clients.
	out := map[string]result{
		"v3.FindTraces": call(func(ctx context.Context) (result, error) {
			q := &apiv3.TraceQueryParameters{ServiceName: *service, StartTimeMin: now.Add(-*lookback), StartTimeMax: now}
			s, err := v3.FindTraces(ctx, &apiv3.FindTracesRequest{Query: q})
			return otlpTraces(s, err)
		}),
		"v3.FindTraces.zeroWindow": call(func(ctx context.Context) (result, error) {
			s, err := v3.FindTraces(ctx, &apiv3.FindTracesRequest{Query: &apiv3.TraceQueryParameters{ServiceName: *service}})
			return otlpTraces(s, err)
		}),
		"v3.GetTrace": call(func(ctx context.Context) (result, error) {
			s, err := v3.GetTrace(ctx, &apiv3.GetTraceRequest{TraceId: *traceID})
			return otlpTraces(s, err)
		}),
		"v3.GetServices": call(func(ctx context.Context) (result, error) {
			r, err := v3.GetServices(ctx, &apiv3.GetServicesRequest{})
			return result{Services: r.GetServices()}, err
		}),
		"v3.GetOperations": call(func(ctx context.Context) (result, error) {
			r, err := v3.GetOperations(ctx, &apiv3.GetOperationsRequest{Service: *service})
			var ops []string
			for _, o := range r.GetOperations() {
				ops = append(ops, o.Name+"/"+o.SpanKind)
			}
			return result{Operations: ops}, err
		}),
		"v2.FindTraces": call(func(ctx context.Context) (result, error) {
			q := &api_v2.TraceQueryParameters{ServiceName: *service, StartTimeMin: now.Add(-*lookback), StartTimeMax: now}
			s, err := v2.FindTraces(ctx, &api_v2.FindTracesRequest{Query: q})
			return jaegerChunks(s, err)
		}),
		"v2.FindTraces.zeroWindow": call(func(ctx context.Context) (result, error) {
			s, err := v2.FindTraces(ctx, &api_v2.FindTracesRequest{Query: &api_v2.TraceQueryParameters{ServiceName: *service}})
			return jaegerChunks(s, err)
		}),
		"v2.GetTrace": call(func(ctx context.Context) (result, error) {
			s, err := v2.GetTrace(ctx, &api_v2.GetTraceRequest{TraceID: id})
			return jaegerChunks(s, err)
		}),
		"v2.GetServices": call(func(ctx context.Context) (result, error) {
			r, err := v2.GetServices(ctx, &api_v2.GetServicesRequest{})
			return result{Services: r.GetServices()}, err
		}),
		"v2.GetOperations": call(func(ctx context.Context) (result, error) {
			r, err := v2.GetOperations(ctx, &api_v2.GetOperationsRequest{Service: *service})
			var ops []string
			for _, o := range r.GetOperations() {
				ops = append(ops, o.Name+"/"+o.SpanKind)
			}
			return result{Operations: ops}, err
		}),
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

type recv[T any] interface{ Recv() (T, error) }

// drain reads a server stream to its end; a stream's error surfaces on Recv.
func drain[T any](s recv[T], err error, each func(T)) error {
	if err != nil {
		return err
	}
	for {
		m, err := s.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		each(m)
	}
}

func otlpTraces(s recv[*tracev1.TracesData], err error) (result, error) {
	ids := map[string]bool{}
	n := 0
	err = drain(s, err, func(td *tracev1.TracesData) {
		for _, rs := range td.GetResourceSpans() {
			for _, ss := range rs.GetScopeSpans() {
				for _, sp := range ss.GetSpans() {
					ids[fmt.Sprintf("%x", sp.GetTraceId())] = true
					n++
				}
			}
		}
	})
	return result{TraceIDs: sorted(ids), Spans: n}, err
}

func jaegerChunks(s recv[*api_v2.SpansResponseChunk], err error) (result, error) {
	ids := map[string]bool{}
	n := 0
	err = drain(s, err, func(c *api_v2.SpansResponseChunk) {
		for _, sp := range c.GetSpans() {
			ids[fmt.Sprintf("%016x%016x", sp.TraceID.High, sp.TraceID.Low)] = true
			n++
		}
	})
	return result{TraceIDs: sorted(ids), Spans: n}, err
}

func sorted(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
