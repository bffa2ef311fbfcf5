package main

import (
	"log"
	"net/http"
	"os"
)

const (
	telegramToken = "355164125:AAMS_pNfEjxA8K8tzE8tvqm4JysH1nMmv_e"
	discordHook   = "https://discord.com/api/webhooks/0900920278030552549/WFxvDthov63-ML5uQYKnzqNaOx0WCFC72EYpSrRlQNl91wwirR8gyrK2icKYhTnCF0Zd"
	buildCommit   = "a9159a53b1e17cac177d613dfd58b2cb9c4f45fa"
	instanceID    = "f7483fe4-b83b-4e13-9913-580122671423"
)

var teamsWebhook = "https://acme.webhook.office.com/webhookb2/6c3e394c-7047-4835-ba59-7138bc9b6678@daef63c7-0acf-499f-94d0-5e7afe574550/IncomingWebhook/ad45925c0b4a7721e2e26b97db78b467/0d8f059e-73ea-4558-b4d9-4eaebfe4b918"

func main() {
	token := os.Getenv("SLACK_TOKEN")
	if token == "" {
		log.Fatal("SLACK_TOKEN is required")
	}
	http.ListenAndServe(":8080", nil)
}
