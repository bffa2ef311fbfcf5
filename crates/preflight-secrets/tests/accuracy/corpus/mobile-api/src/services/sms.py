"""Sends verification codes by SMS."""
import os

from twilio.rest import Client
import psycopg2
import pymysql
import redis

account_sid = "AC445e51a94a325b6738307222125c2651"
auth_token = "6d8d4bb3f9f51418ff34b55cacd95d72"
client = Client(account_sid, auth_token)

api_key_sid = "SKff483b17c3be20ffa5e1d606ba71443f"
verify_client = Client("SK245bdeeea5f69f60dea5824d06226c26", "Uve5hJBqJISZ0HAqJfJkBaOoE4TxpHXl", account_sid)

conn = psycopg2.connect(host="verify-db.internal", dbname="verify", user="verify", password="ClgOT1qTn6vwBwBOY06H")
audit = pymysql.connect(host="audit.internal", user="audit", password="72bEsFl6r1ku9nmVdz", database="audit")
cache = redis.Redis(host="verify-cache.internal", port=6379, password="p3hvl4XWAr8OX7pr2VHFp3X8YLIw")
local_cache = redis.Redis(host="localhost", port=6379, password=None)
test_conn = psycopg2.connect(host="localhost", dbname="verify_test", user="postgres", password="postgres")
conn_from_env = psycopg2.connect(password=os.environ["VERIFY_DB_PASSWORD"])

messaging_service_sid = "MG371c5c0095038e5a520a7128cf7b4b17"
flow_sid = "FWbc400fa2284e616c6cd05560a57b912e"
