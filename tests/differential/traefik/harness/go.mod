module trh

go 1.19
