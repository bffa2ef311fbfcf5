package main

import (
	"database/sql"
	"log"

	"github.com/redis/go-redis/v9"
	amqp "github.com/rabbitmq/amqp091-go"
)

func main() {
	conn, err := amqp.Dial("amqp://worker:LKPZ7WRSEX7e9KtrTnQb@rabbit.internal:5672/")
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()

	rdb := redis.NewClient(&redis.Options{
		Addr:     "redis.internal:6379",
		Password: "-NiCcucfkRjTKMp-",
		DB:       0,
	})
	_ = rdb

	db, _ := sql.Open("mysql", "worker:QCB8ALPrvq0Tgsup@tcp(mysql.internal:3306)/jobs?parseTime=true")
	_ = db
	log.Printf("commit %s", "07bf8c06307f113b31cf540487b0383edcb06fd1")
}
