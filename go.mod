module casework

go 1.26
