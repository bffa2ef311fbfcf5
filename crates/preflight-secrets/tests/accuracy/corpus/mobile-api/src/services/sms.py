"""Sends verification codes by SMS."""
import os

from twilio.rest import Client
import psycopg2
import pymysql
import redis

account_sid = "ACaddd98a44b6eb6e50c736f30cc84064c"
auth_token = "efa4a9e21f9cc995d3e59da64709da8f"
client = Client(account_sid, auth_token)

api_key_sid = "SK78fe6772ee5c8ab7ab2d43510fddb205"
verify_client = Client("SK0b1709be0fc96a6030eefc5912007e9e", "lwCNtRSRS0RmGDaeiqguaj3NKVSgNyfY", account_sid)

conn = psycopg2.connect(host="verify-db.internal", dbname="verify", user="verify", password="dTkZsExKPE6zO7IZwb3l")
audit = pymysql.connect(host="audit.internal", user="audit", password="DYy6ayvaBknCxf1JPJ", database="audit")
cache = redis.Redis(host="verify-cache.internal", port=6379, password="nc0hE4LuXHH6gzave1jaPTNreNDh")
local_cache = redis.Redis(host="localhost", port=6379, password=None)
test_conn = psycopg2.connect(host="localhost", dbname="verify_test", user="postgres", password="postgres")
conn_from_env = psycopg2.connect(password=os.environ["VERIFY_DB_PASSWORD"])

messaging_service_sid = "MGdb3f92fceb0347b6788f2eb93152b057"
flow_sid = "FW209ef0a1f4393d18c67560e2b487eb58"
