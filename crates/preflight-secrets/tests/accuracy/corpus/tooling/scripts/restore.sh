#!/usr/bin/env bash
# Restores the latest dump into the staging databases.
set -euo pipefail
: "${STAGING_DB_PASSWORD:?}"
DB_PASSWORD=${DB_PASSWORD:-CUCflzTDiWkxQs2Euqkn}
REGION=${AWS_REGION:-eu-west-1}
REDIS_PASSWORD="${REDIS_PASSWORD:-}"

redis-cli -h cache.staging.internal -a r6kuyOUAsnVBZQQ1TQuCIHX4 FLUSHALL
redis-cli -h cache.staging.internal -a "$REDIS_PASSWORD" PING
mongorestore --uri "mongodb://restore:7XMtCUi12RKGduU5K9@mongo.staging.internal:27017/?authSource=admin" /var/dumps/mongo
sqlcmd -S mssql.staging.internal -U sa -P '8G0KS7Vj7JZCEIw9RX7d' -i /var/dumps/restore.sql
ldapsearch -x -H ldaps://ldap.internal -D "cn=admin,dc=example,dc=com" -w 9krgOz3xxXPY3A89 "(uid=restore)"
wget --user=restore --password=HiJoVVUdmi8Hca6e https://artifacts.internal/dumps/latest.tar.gz
htpasswd -b -B /etc/nginx/.htpasswd staging ENitDzzxpiF7X8
psql "postgresql://restore:kAdfE0vpLjQTfDnlqP4hH9@pg.staging.internal:5432/app?sslmode=require" -f /var/dumps/app.sql
psql "postgresql://restore@pg.staging.internal:5432/app" -c 'ANALYZE'
smbclient //files.internal/dumps -U 'backup%5Lxu4Yd8sNiaCEOf' -c 'get latest.tar.gz'
echo "restore finished; password reset link sent"
