package pdu

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// stream is every golden fixture back to back.
func stream(t *testing.T) ([]byte, [][]byte) {
	var all []byte
	var frames [][]byte
	for _, g := range loadGolden(t) {
		all = append(all, g.b...)
		frames = append(frames, g.b)
	}
	return all, frames
}

func TestReaderSegmentation(t *testing.T) {
	all, frames := stream(t)
	wrappers := map[string]func(io.Reader) io.Reader{
		"plain":        func(r io.Reader) io.Reader { return r },
		"OneByte":      iotest.OneByteReader,
		"Half":         iotest.HalfReader,
		"DataErr":      iotest.DataErrReader,
		"OneByteDErr":  func(r io.Reader) io.Reader { return iotest.DataErrReader(iotest.OneByteReader(r)) },
		"TimeoutRetry": func(r io.Reader) io.Reader { return &retryReader{r: iotest.HalfReader(r)} },
	}
	for name, wrap := range wrappers {
		t.Run(name, func(t *testing.T) {
			rd := NewReader(wrap(bytes.NewReader(all)), 0)
			for i, want := range frames {
				got, err := rd.ReadFrame()
				if err != nil {
					t.Fatalf("frame %d: %v", i, err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("frame %d: %x, want %x", i, got, want)
				}
				if _, _, err := Decode(got); err != nil {
					t.Fatalf("frame %d: Decode: %v", i, err)
				}
			}
			if _, err := rd.ReadFrame(); err != io.EOF {
				t.Fatalf("at end: %v, want io.EOF", err)
			}
			if rd.Buffered() != 0 {
				t.Fatalf("Buffered() = %d at end", rd.Buffered())
			}
		})
	}
}

// retryReader returns (0, nil) every other call, which io.ReadFull must
// tolerate.
type retryReader struct {
	r io.Reader
	n int
}

func (r *retryReader) Read(p []byte) (int, error) {
	r.n++
	if r.n%2 == 0 {
		return 0, nil
	}
	return r.r.Read(p)
}

func TestReaderFrameOwnership(t *testing.T) {
	all, _ := stream(t)
	rd := NewReader(bytes.NewReader(all), 0)
	a, err := rd.ReadFrame()
	if err != nil {
		t.Fatal(err)
	}
	keep := append([]byte{}, a...)
	if _, err := rd.ReadFrame(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, keep) {
		t.Fatal("the next ReadFrame overwrote a returned frame")
	}
}

func TestReaderTruncated(t *testing.T) {
	_, frames := stream(t)
	var f []byte // the largest fixture
	for _, fr := range frames {
		if len(fr) > len(f) {
			f = fr
		}
	}
	for _, wrap := range []func(io.Reader) io.Reader{func(r io.Reader) io.Reader { return r }, iotest.OneByteReader, iotest.DataErrReader} {
		for cut := 1; cut < len(f); cut++ {
			rd := NewReader(wrap(bytes.NewReader(f[:cut])), 0)
			_, err := rd.ReadFrame()
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("cut at %d of %d: %v, want io.ErrUnexpectedEOF", cut, len(f), err)
			}
		}
	}
	// A read error other than EOF is passed through.
	boom := errors.New("boom")
	rd := NewReader(io.MultiReader(bytes.NewReader(f[:20]), iotest.ErrReader(boom)), 0)
	if _, err := rd.ReadFrame(); !errors.Is(err, boom) {
		t.Fatalf("got %v, want boom", err)
	}
	rd = NewReader(iotest.ErrReader(boom), 0)
	if _, err := rd.ReadFrame(); !errors.Is(err, boom) {
		t.Fatalf("got %v, want boom", err)
	}
	rd = NewReader(bytes.NewReader(nil), 0)
	if _, err := rd.ReadFrame(); err != io.EOF {
		t.Fatalf("empty stream: %v, want io.EOF", err)
	}
}

func TestReaderBadLength(t *testing.T) {
	cases := []struct {
		name   string
		hdr    string
		maxLen int
		err    error
	}{
		{"length 0", "00000000 00000004 00000000 0000000b", 0, ErrBadLength},
		{"length 15", "0000000f 00000004 00000000 0000000b", 0, ErrBadLength},
		{"length 2^31", "80000000 00000004 00000000 0000000b", 0, ErrFrameTooLarge},
		{"length 2^32-1", "ffffffff 00000004 00000000 0000000b", 0, ErrFrameTooLarge},
		{"above default", "00010001 00000004 00000000 0000000b", 0, ErrFrameTooLarge},
		{"above 100", "00000065 00000004 00000000 0000000b", 100, ErrFrameTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := unhex(t, c.hdr)
			// With the whole header available the error echoes it.
			_, err := NewReader(bytes.NewReader(in), c.maxLen).ReadFrame()
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("err %v, want *DecodeError", err)
			}
			if de.Status != StatusInvCmdLen || !errors.Is(de, c.err) || !de.GenericNACK() {
				t.Errorf("got %+v", de)
			}
			if !de.HeaderValid || de.Seq() != 11 || de.Header.ID != CmdSubmitSM {
				t.Errorf("header not carried: %+v", de)
			}
			// One octet at a time the rest of the header is not waited for.
			_, err = NewReader(iotest.OneByteReader(bytes.NewReader(in)), c.maxLen).ReadFrame()
			if !errors.As(err, &de) || de.Status != StatusInvCmdLen {
				t.Fatalf("one byte: %v", err)
			}
			if de.HeaderValid && de.Seq() != 11 {
				t.Errorf("one byte: header %+v", de.Header)
			}
			if !de.HeaderValid && de.Seq() != 0 {
				t.Errorf("one byte: Seq() = %d without a header", de.Seq())
			}
			// Only the length field.
			_, err = NewReader(bytes.NewReader(in[:4]), c.maxLen).ReadFrame()
			if !errors.As(err, &de) || de.Status != StatusInvCmdLen || de.HeaderValid || de.Seq() != 0 {
				t.Errorf("length only: %v", err)
			}
		})
	}
	// Exactly maxLen passes.
	f := make([]byte, 100)
	copy(f, unhex(t, "00000064 00000015 00000000 00000001"))
	if got, err := NewReader(bytes.NewReader(f), 100).ReadFrame(); err != nil || len(got) != 100 {
		t.Errorf("frame of maxLen: %d, %v", len(got), err)
	}
}

// TestReaderHugeLengthDoesNotAllocate checks that an absurd command_length
// is refused before the frame is allocated.
func TestReaderHugeLengthDoesNotAllocate(t *testing.T) {
	in := unhex(t, "7fffffff 00000004 00000000 00000001")
	var m1, m2 runtimeMemStats
	readMemStats(&m1)
	for i := 0; i < 10; i++ {
		if _, err := NewReader(bytes.NewReader(in), 1<<30).ReadFrame(); err == nil {
			t.Fatal("no error")
		}
	}
	readMemStats(&m2)
	if per := (m2.TotalAlloc - m1.TotalAlloc) / 10; per > 16<<10 {
		t.Errorf("%d bytes allocated per refused frame", per)
	}
}
