package main

import (
	"log"
	"os"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/slack-go/slack"
	"github.com/DataDog/datadog-api-client-go/v2/api/datadog"
)

const mapboxToken = "sk.eyJ1IjoiYWNtZS1nZW8iLCJhIjoiNzcxNG5qMG01N3ZyZ3Y2eDI5NXZlZTU4cyJ9.MOYoZHevsl6uYx5sKxv5rr"

func getenv(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return fallback
}

func main() {
	creds := credentials.NewStaticCredentialsProvider("AKIABQJTABQXHD7NJT6R", "GPHJPo/BBSqJrvvBsj7X/ptz2gOisLAg3OFClS1t", "")
	api := slack.New("xoxb-245912167884-2665568554405-DSjrBacASqzBybrcav9FK6JJ")
	ddKey := getenv("DD_API_KEY", "f7328e305e22344ea8232aa878ed19af")
	dbURL := getenv("DATABASE_URL", "postgres://geo:bh5kT1lFgS.H25@geo-db:5432/geo?sslmode=disable")
	region := getenv("AWS_REGION", "eu-west-1")
	token := os.Getenv("GEO_API_TOKEN")
	_ = datadog.NewDefaultContext
	log.Println(creds, api, ddKey, dbURL, region, token)
}
