package main

import (
	"database/sql"
	"log"
	"net/http"
	"os"

	"github.com/golang-jwt/jwt/v5"
	_ "github.com/lib/pq"
	"github.com/twilio/twilio-go"
)

// hmacSecret signs session tokens issued by the gateway.
var hmacSecret = []byte("599f577190d09b212eee2d4895724ec2d8dc7041317b5592132c9677a92c8c31")

const apiTokenHeader = "X-Api-Token"

const (
	defaultTimeoutSeconds = 30
	buildCommit           = "c9277a8c7daa40c7019b13527ba70f25272ac501"
	encryptionKey         = "pR0dWfDTqL1EaJwaeAOH3zA2fjWByx3ohYELPIKp/xc="
)

func getenv(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return fallback
}

func main() {
	dsn := getenv("DATABASE_URL", "postgres://gateway:NNvJs9my6XNxTIMv0VPunW@gateway-db:5432/gateway?sslmode=require")
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	listen := getenv("LISTEN_ADDR", ":8080")
	stripeKey := getenv("STRIPE_SECRET_KEY", "")
	sendgridKey := getenv("SENDGRID_API_KEY", "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")
	_ = stripeKey
	_ = sendgridKey

	sms := twilio.NewRestClientWithParams(twilio.ClientParams{
		Username: "ACb0a51bc4a44944d591e8b43f5a847365",
		Password: "3d12ade569e00bdf8d584c9350635571",
	})
	_ = sms

	token := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "gateway"})
	if _, err := token.SignedString(hmacSecret); err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe(listen, nil))
}
