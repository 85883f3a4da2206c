module spark-at-scale.local/pause

go 1.22
