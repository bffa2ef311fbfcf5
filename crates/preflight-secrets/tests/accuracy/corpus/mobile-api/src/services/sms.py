"""Sends verification codes by SMS."""
import os

from twilio.rest import Client
import psycopg2
import pymysql
import redis

account_sid = "AC854941a9ba82f0954acda215e91af9a7"
auth_token = "2b9b42edeef58d907df342dc96294b4e"
client = Client(account_sid, auth_token)

api_key_sid = "SKe59e42f21246690700545220bb642502"
verify_client = Client("SK92f580cfdcd9a5f5a8ce4f9776bcf3aa", "MYhzizTnG49YJs3r6HF48dFnJIP7lTCM", account_sid)

conn = psycopg2.connect(host="verify-db.internal", dbname="verify", user="verify", password="mYyi6ABOtYcd3abykr20")
audit = pymysql.connect(host="audit.internal", user="audit", password="pUKMa1hSE4X7XC5UH4", database="audit")
cache = redis.Redis(host="verify-cache.internal", port=6379, password="S9hWbRgnFfqa428NQqJNgYro0Lhw")
local_cache = redis.Redis(host="localhost", port=6379, password=None)
test_conn = psycopg2.connect(host="localhost", dbname="verify_test", user="postgres", password="postgres")
conn_from_env = psycopg2.connect(password=os.environ["VERIFY_DB_PASSWORD"])

messaging_service_sid = "MG458c9fad3db98b5b15c2ef6db1a61f6d"
flow_sid = "FW80da0507fc16db9ccf4e0c79744f7cc6"
