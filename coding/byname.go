package coding

import "strings"

// ByName returns the codec a user names in a flag, a configuration file or
// an API request, case-insensitively: gsm7 (also gsm, default), ucs2 (utf16),
// latin1 (iso-8859-1), ia5 (ascii), binary (8bit). "auto" and "" return a
// nil Codec and true: the caller picks one for its text with [Choose]. An
// unknown name returns false.
func ByName(name string) (Codec, bool) {
	switch strings.ToLower(name) {
	case "", "auto":
		return nil, true
	case "gsm7", "gsm", "default":
		return GSM7{}, true
	case "ucs2", "utf16":
		return UCS2{}, true
	case "latin1", "iso-8859-1":
		return Latin1{}, true
	case "ia5", "ascii":
		return IA5{}, true
	case "binary", "8bit":
		return Binary{}, true
	}
	return nil, false
}
