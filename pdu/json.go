package pdu

import (
	"encoding/hex"
	"encoding/json"
	"errors"
)

// OctetString is an SMPP Octet String (short_message, raw bodies). In JSON
// it is lowercase hex, as the `smpp decode` contract requires.
type OctetString []byte

// MarshalJSON writes lowercase hex.
func (o OctetString) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, len(o)*2+2)
	b = append(b, '"')
	b = hex.AppendEncode(b, o)
	return append(b, '"'), nil
}

// UnmarshalJSON reads hex.
func (o *OctetString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New("pdu: octet string must be a hex JSON string")
	}
	v, err := hex.DecodeString(s)
	if err != nil {
		return errors.New("pdu: octet string is not valid hex: " + err.Error())
	}
	*o = v
	return nil
}

type jsonTLV struct {
	Tag   uint16      `json:"tag"`
	Name  string      `json:"name,omitempty"`
	Value OctetString `json:"value"`
}

// MarshalJSON writes TLVs in wire order as
// [{"tag":1060,"name":"message_payload","value":"48656c6c6f"}], the name
// omitted for unknown tags.
func (t TLVs) MarshalJSON() ([]byte, error) {
	out := make([]jsonTLV, len(t))
	for i, v := range t {
		name, _ := v.Tag.Name()
		out[i] = jsonTLV{uint16(v.Tag), name, OctetString(v.Value)}
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads the form written by MarshalJSON. When "tag" is absent
// the tag is looked up by "name".
func (t *TLVs) UnmarshalJSON(b []byte) error {
	var in []struct {
		Tag   *uint16     `json:"tag"`
		Name  string      `json:"name"`
		Value OctetString `json:"value"`
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	out := make(TLVs, 0, len(in))
	for _, v := range in {
		var tag Tag
		switch {
		case v.Tag != nil:
			tag = Tag(*v.Tag)
		case v.Name != "":
			var ok bool
			if tag, ok = ParseTag(v.Name); !ok {
				return errors.New("pdu: unknown TLV name " + v.Name)
			}
		default:
			return errors.New("pdu: TLV needs a tag or a name")
		}
		var val []byte
		if len(v.Value) > 0 {
			val = v.Value
		}
		out = append(out, TLV{Tag: tag, Value: val})
	}
	if len(out) == 0 {
		out = nil
	}
	*t = out
	return nil
}
