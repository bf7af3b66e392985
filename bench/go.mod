module github.com/smppstack/smpp/bench

go 1.26.0

require (
	github.com/linxGnu/gosmpp v0.3.1
	github.com/smppstack/smpp v0.0.0-00010101000000-000000000000
)

require golang.org/x/text v0.20.0 // indirect

replace github.com/smppstack/smpp => ../
