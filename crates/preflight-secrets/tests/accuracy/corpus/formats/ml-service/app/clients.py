import os

import anthropic
import boto3
import openai
import sendgrid
import stripe
from google.cloud import storage
from twilio.rest import Client

stripe.api_key = "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"
openai_client = openai.OpenAI(api_key="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")
claude = anthropic.Anthropic(api_key=os.environ["ANTHROPIC_API_KEY"])
claude_batch = anthropic.Anthropic(api_key="sk-ant-api03-vNXqDLH6ijWf_LHTpY9fdvguh8T9Mo3xERSSs9f1U5Xm56v8rz-Xw5urtluzOGB6Q_kA-HoUmQ8DhHJBfynim-Vwnz35RAA")
sg = sendgrid.SendGridAPIClient(api_key=os.getenv("SENDGRID_API_KEY", "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"))
twilio = Client("AC91bfe0a0108e86102528ac77b0e28abe", "460dc028ccf12ce33f5987f4bf026b12")
twilio_api = Client("SKec5991a0374c4128f00bb6d0421d9e48", "zsChbnG073BaTB8KA2wCo2kqjLz6y02Q", "ACfd6d66682ad6adbdd8b3a1c369df9339")
s3 = boto3.client(
    "s3",
    aws_access_key_id="AKIATCOKAA6R5G34YAJ6",
    aws_secret_access_key="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",
)
sts = boto3.client("sts", aws_session_token=os.environ.get("AWS_SESSION_TOKEN"))
gcs = storage.Client.from_service_account_json("/run/secrets/gcp.json")
MAILGUN_KEY = os.environ.get("MAILGUN_API_KEY", "key-a2d9441e0e1db8d89ba51317d442ba03")
DD_API_KEY = os.getenv("DD_API_KEY", "your-datadog-api-key")
SENTRY_DSN = "https://299ce70cdba949a903ba5fe7fb430fa5@o4504.ingest.us.sentry.io/4504"
SLACK_TOKEN = os.getenv("SLACK_BOT_TOKEN", "xoxb-539993837752-5573432384026-WJ8s0OmBRJVPiF0D6o2Z0PaA")
GITHUB_APP_PRIVATE_KEY_PATH = "/run/secrets/github-app.pem"
