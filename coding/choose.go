package coding

// Choose returns the first codec in candidates that can encode every
// character of text. With no candidates it chooses GSM 7-bit (basic and
// extension tables, unpacked) when every character fits and UCS2 otherwise
// (encoding.md §9.3). When no candidate fits it returns the last one.
func Choose(text string, candidates ...Codec) Codec {
	if len(candidates) == 0 {
		if _, err := countUnits(text, GSM7{Strict: true}); err == nil {
			return GSM7{}
		}
		return UCS2{}
	}
	for _, c := range candidates {
		if _, err := countUnits(text, c); err == nil {
			return c
		}
	}
	return candidates[len(candidates)-1]
}

// Counts is what an SMS counter shows for a text (encoding.md §11.2).
// Units are septets for GSM 7-bit (an extension character counts 2),
// UTF-16 code units for UCS2 (a surrogate pair counts 2), octets otherwise.
type Counts struct {
	Segments   int // number of SMS
	Units      int // units the text uses
	PerSegment int // units that fit in one SMS: 160/140/70 single, else 153/134/67 (8-bit UDH) …
	Remaining  int // units still free in the last SMS
}

// Count reports how text encoded with c is cut into SMS on the air
// interface when concatenated by method (encoding.md §11.2, §12): 160/153
// septets, 140/134 octets, 70/67 UTF-16 units with the 8-bit reference UDH;
// 152/133/66 with the 16-bit one; SAR and message_payload are counted as
// the 8-bit UDH the MC usually adds. National language IEs of a [GSM7] take
// their room in every segment. Segments and Remaining follow the same cuts
// as [Split], which never splits a character.
func Count(text string, c Codec, method Concat) (Counts, error) {
	l, err := planFor(c, method)
	if err != nil {
		return Counts{}, err
	}
	if method == ConcatPayload {
		l.method = ConcatUDH8
		l = l.withCapacities()
	}
	total, cuts, err := l.cut(text, true)
	if err != nil {
		return Counts{}, err
	}
	if total <= l.single {
		return Counts{Segments: 1, Units: total, PerSegment: l.single, Remaining: l.single - total}, nil
	}
	return Counts{Segments: len(cuts) + 1, Units: total, PerSegment: l.per, Remaining: l.per - cuts.last(total)}, nil
}

// countUnits returns the number of units text takes in c.
func countUnits(text string, c Codec) (int, error) {
	m := measurerOf(c)
	n, idx := 0, 0
	for i := 0; i < len(text); idx++ {
		size, u, ok := m.next(text[i:])
		if !ok {
			return 0, unencodable(c, text, i, idx)
		}
		n += u
		i += size
	}
	return n, nil
}

// unencodable builds the error for the character of text at byte offset i.
func unencodable(c Codec, text string, i, idx int) error {
	if g, _, ok := unwrapGSM7(c); ok {
		if _, _, err := g.tables(); err != nil {
			return err
		}
	}
	r, size := decodeRune(text[i:])
	return &UnencodableError{Codec: c.Name(), Rune: r, Index: idx, Offset: i, Invalid: size == 1 && r == 0xFFFD}
}

// capacity returns how many units of kind fit in one 140-octet TP-UD after
// a UDH of h octets (3GPP 23.040 §9.2.3.24, encoding.md §9.5, §11.2).
func capacity(k unitKind, h int) int {
	switch k {
	case kindSeptet:
		return (140*8 - 8*h) / 7
	case kindUTF16:
		return (140 - h) / 2
	}
	return 140 - h
}
