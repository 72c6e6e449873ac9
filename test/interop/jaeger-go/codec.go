package main

import (
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"
)

// gogo-generated messages (jaeger-idl's and apiv3's) marshal themselves;
// grpc's default codec reads messages through protobuf-go's reflection,
// which refuses their custom and std types. Jaeger's binaries install the
// same kind of codec, so this is how Jaeger's own clients talk.
type gogoMessage interface {
	Marshal() ([]byte, error)
	Unmarshal([]byte) error
}

type gogoCodec struct{ fallback encoding.CodecV2 }

func (gogoCodec) Name() string { return proto.Name }

func (c gogoCodec) Marshal(v any) (mem.BufferSlice, error) {
	if m, ok := v.(gogoMessage); ok {
		b, err := m.Marshal()
		return mem.BufferSlice{mem.SliceBuffer(b)}, err
	}
	return c.fallback.Marshal(v)
}

func (c gogoCodec) Unmarshal(data mem.BufferSlice, v any) error {
	if m, ok := v.(gogoMessage); ok {
		return m.Unmarshal(data.Materialize())
	}
	return c.fallback.Unmarshal(data, v)
}

func init() {
	encoding.RegisterCodecV2(gogoCodec{fallback: encoding.GetCodecV2(proto.Name)})
}
