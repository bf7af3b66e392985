package pdu

import (
	"reflect"
	"strconv"
	"testing"
	"unsafe"
)

// TestSubmitSMLayout pins what the declaration order of SubmitSM buys and
// what printers rely on: the struct has no padding between fields (so
// smBox fits the 208-octet size class), and every exported field carries a
// distinct wire tag, 1 to 18, in the order of pdus.md §6.5.
func TestSubmitSMLayout(t *testing.T) {
	if got := unsafe.Sizeof(SubmitSM{}); got != 176 {
		t.Errorf("SubmitSM is %d octets, want 176", got)
	}
	if got := unsafe.Sizeof(smBox{}); got != 208 {
		t.Errorf("smBox is %d octets, want 208", got)
	}
	want := []string{"service_type", "source_addr_ton", "source_addr_npi", "source_addr",
		"dest_addr_ton", "dest_addr_npi", "destination_addr", "esm_class", "protocol_id",
		"priority_flag", "schedule_delivery_time", "validity_period", "registered_delivery",
		"replace_if_present_flag", "data_coding", "sm_default_msg_id", "short_message", "tlvs"}
	got := make([]string, len(want))
	typ := reflect.TypeFor[SubmitSM]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		if !f.IsExported() {
			continue
		}
		n, err := strconv.Atoi(f.Tag.Get("wire"))
		if err != nil || n < 1 || n > len(want) || got[n-1] != "" {
			t.Fatalf("%s: wire tag %q", f.Name, f.Tag.Get("wire"))
		}
		got[n-1] = f.Tag.Get("json")
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fields in wire-tag order:\n got %q\nwant %q", got, want)
	}
}
