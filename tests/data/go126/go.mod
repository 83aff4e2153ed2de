module example.test/go126

go 1.26
