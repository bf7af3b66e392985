module github.com/smppstack/smpp

go 1.26
