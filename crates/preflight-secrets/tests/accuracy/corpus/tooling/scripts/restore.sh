#!/usr/bin/env bash
# Restores the latest dump into the staging databases.
set -euo pipefail
: "${STAGING_DB_PASSWORD:?}"
DB_PASSWORD=${DB_PASSWORD:-EEUBiPWWlXiRLCohREp2}
REGION=${AWS_REGION:-eu-west-1}
REDIS_PASSWORD="${REDIS_PASSWORD:-}"

redis-cli -h cache.staging.internal -a WtRUlC5gaBixyBRAoZsMuDL3 FLUSHALL
redis-cli -h cache.staging.internal -a "$REDIS_PASSWORD" PING
mongorestore --uri "mongodb://restore:5iBIR25TNaYlUvrgts@mongo.staging.internal:27017/?authSource=admin" /var/dumps/mongo
sqlcmd -S mssql.staging.internal -U sa -P 'OesJh7CMY8XBzzYREXt7' -i /var/dumps/restore.sql
ldapsearch -x -H ldaps://ldap.internal -D "cn=admin,dc=example,dc=com" -w WqIAYWVnDR1hblBj "(uid=restore)"
wget --user=restore --password=xjoL2SeGkA3vRU87 https://artifacts.internal/dumps/latest.tar.gz
htpasswd -b -B /etc/nginx/.htpasswd staging BnhCf2cZzZxDHd
psql "postgresql://restore:4f0NbMs8hoJ8ZP7m6wiscS@pg.staging.internal:5432/app?sslmode=require" -f /var/dumps/app.sql
psql "postgresql://restore@pg.staging.internal:5432/app" -c 'ANALYZE'
smbclient //files.internal/dumps -U 'backup%tBOvJrLrOO9Oqh1z' -c 'get latest.tar.gz'
echo "restore finished; password reset link sent"
