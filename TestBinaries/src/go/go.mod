module example.com/app

go 1.19

require example.com/fakesqlite v0.0.0

replace example.com/fakesqlite => ../fakesqlite
