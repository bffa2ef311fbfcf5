"""Sends verification codes by SMS."""
import os

from twilio.rest import Client
import psycopg2
import pymysql
import redis

account_sid = "AC812aecb5809609225fc26426e0d3e02a"
auth_token = "ddb9694e5bd13805254dfb35b14e01aa"
client = Client(account_sid, auth_token)

api_key_sid = "SK8493c0cb2c6fc48195aae38fdc78b73d"
verify_client = Client("SK5e64ab56756cb000febc9150d6483749", "BK6Ol9U4olKZ29T2eVUvz7tHvxwBSZfH", account_sid)

conn = psycopg2.connect(host="verify-db.internal", dbname="verify", user="verify", password="8HFgOrscnn8wri2kjBnz")
audit = pymysql.connect(host="audit.internal", user="audit", password="jSJMt1fLFGrRicaba3", database="audit")
cache = redis.Redis(host="verify-cache.internal", port=6379, password="1S4u0ML9o85kvZ3M4zL4xF72izVH")
local_cache = redis.Redis(host="localhost", port=6379, password=None)
test_conn = psycopg2.connect(host="localhost", dbname="verify_test", user="postgres", password="postgres")
conn_from_env = psycopg2.connect(password=os.environ["VERIFY_DB_PASSWORD"])

messaging_service_sid = "MGa721690b7a89380dad0dda877427ed36"
flow_sid = "FW90662861555da2e224db5bb79646601d"
