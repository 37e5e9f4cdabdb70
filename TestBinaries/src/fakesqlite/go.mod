module example.com/fakesqlite

go 1.19
