package coding

// FillBits returns the number of fill bits that follow a UDH of udhLen
// octets (UDHL included) so that packed septets start on a septet boundary
// (3GPP 23.040 §9.2.3.24, encoding.md §9.5): 1 for the 6-octet 8-bit
// reference concatenation UDH, 0 for the 7-octet 16-bit one.
func FillBits(udhLen int) int {
	return (7 - (8*udhLen)%7) % 7
}

// Pack7 appends septets packed 7-bit (3GPP 23.038 §6.1.2.1, encoding.md
// §9.5) to dst, after fill zero bits (0–6, see [FillBits]): septet i
// occupies bits fill+7i … fill+7i+6 of the stream, bit 0 being the least
// significant bit of the first octet. The top bit of each septet is ignored.
func Pack7(dst, septets []byte, fill int) []byte {
	var acc uint32
	n := fill
	for _, s := range septets {
		acc |= uint32(s&0x7F) << n
		n += 7
		for n >= 8 {
			dst = append(dst, byte(acc))
			acc >>= 8
			n -= 8
		}
	}
	if n > 0 && len(septets) > 0 {
		dst = append(dst, byte(acc))
	}
	return dst
}

// packInPlace packs b[start:] (septets) into itself after fill bits and
// returns b truncated to the packed length. Writing never overtakes
// reading: after septet i at most ⌊(fill+7i+7)/8⌋ ≤ i+1 octets are written;
// only the final partial octet may need one octet more than b holds.
func packInPlace(b []byte, start, fill int) []byte {
	var acc uint32
	n := fill
	w := start
	for r := start; r < len(b); r++ {
		acc |= uint32(b[r]&0x7F) << n
		n += 7
		for n >= 8 {
			b[w] = byte(acc)
			w++
			acc >>= 8
			n -= 8
		}
	}
	if n > 0 && len(b) > start {
		if w == len(b) { // a short text after many fill bits
			return append(b, byte(acc))
		}
		b[w] = byte(acc)
		w++
	}
	return b[:w]
}

// Unpack7 appends to dst the septets packed in data after fill bits (see
// [Pack7]). SMPP counts octets, not septets, so when the padding at the end
// is exactly 7 bits it cannot tell a final '@' (septet 0) from zero padding
// (encoding.md §9.4): a final septet 0 in that position is taken as padding
// and dropped. A text of a multiple of 8 septets that ends in '@' therefore
// loses it; use [Unpack7N] when the septet count is known.
func Unpack7(dst, data []byte, fill int) []byte {
	bits := 8*len(data) - fill
	if bits <= 0 {
		return dst
	}
	n := bits / 7
	if bits%7 == 0 && n > 0 && septetAt(data, fill+7*(n-1)) == 0 {
		n--
	}
	return unpackN(dst, data, fill, n)
}

// Unpack7N appends to dst the first n septets packed in data after fill
// bits; it returns false when data holds fewer than n septets.
func Unpack7N(dst, data []byte, fill, n int) ([]byte, bool) {
	if n < 0 || fill < 0 || n > 0 && fill+7*n > 8*len(data) {
		return dst, false
	}
	return unpackN(dst, data, fill, n), true
}

func unpackN(dst, data []byte, fill, n int) []byte {
	for i := 0; i < n; i++ {
		dst = append(dst, septetAt(data, fill+7*i))
	}
	return dst
}

// septetAt reads the 7 bits starting at bit position pos of data.
func septetAt(data []byte, pos int) byte {
	k, sh := pos>>3, uint(pos&7)
	w := uint16(data[k])
	if sh > 1 && k+1 < len(data) {
		w |= uint16(data[k+1]) << 8
	}
	return byte(w>>sh) & 0x7F
}
