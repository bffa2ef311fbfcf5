import boto3
import psycopg2
import pymongo
import redis

s3 = boto3.client(
    "s3",
    aws_access_key_id="AKIAPEFAPAOLBFK4QNYQ",
    aws_secret_access_key="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",
    region_name="eu-central-1",
)

conn = psycopg2.connect(host="analytics-ro.internal", dbname="events", user="etl", password="vJ.GCTo5JAO4i*")
mongo = pymongo.MongoClient("mongodb+srv://etl:fC3A8p7JDiur3Omq@cluster0.ab1cd.mongodb.net/events?retryWrites=true")
cache = redis.Redis(host="cache.internal", port=6379, password="gAQJY*Y7h00iV3msfAP!")

BUCKET_ARN = "arn:aws:s3:::acme-ml-features"
SECRET_ARN = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:prod/etl/db-3NfySm"
KMS_KEY_ID = "76ddde7e-0100-4b3d-85ac-d6e8185af897"
