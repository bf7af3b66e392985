module github.com/smppstack/smpp/bench

go 1.26.0

require (
	github.com/ajankovic/smpp v0.0.0-20191203230920-1db50388714e
	github.com/fiorix/go-smpp v0.0.0-20210403173735-2894b96e70ba
	github.com/linxGnu/gosmpp v0.3.1
	github.com/smppstack/smpp v0.0.0-00010101000000-000000000000
)

require (
	github.com/orcaman/concurrent-map/v2 v2.0.1 // indirect
	golang.org/x/exp v0.0.0-20240604190554-fc45aab8b7f8 // indirect
	golang.org/x/text v0.20.0 // indirect
	golang.org/x/time v0.16.0 // indirect
)

replace github.com/smppstack/smpp => ../
